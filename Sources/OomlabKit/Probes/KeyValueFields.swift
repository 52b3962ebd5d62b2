/// The lines of a key-value file that fill a record, each key named beside the field it stores into.
///
/// A key and its field are written side by side, so reordering or adding a key cannot shift values
/// into the wrong field the way a positional `switch` over line indexes could. The stores are
/// closures rather than key paths: a key-path write per line cost measurably more on every tick.
struct KeyValueFields<Record>: Sendable {
  /// The keys in byte form, in declaration order.
  let keys: [[UInt8]]
  /// What each key's value does to the record, in the same order.
  let stores: [@Sendable (inout Record, UInt64) -> Void]
  /// The byte between key and value: `:` in /proc, a space in cgroup files.
  let separator: UInt8

  /// Declares the fields; `separator` is 0x3A (`:`) for /proc files, 0x20 (space) for cgroup files.
  init(separator: UInt8 = 0x3A, _ fields: KeyValuePairs<String, @Sendable (inout Record, UInt64) -> Void>) {
    keys = fields.map { Array($0.key.utf8) }
    stores = fields.map(\.value)
    self.separator = separator
  }

  /// Stores the value of every known line of `bytes` into `record`.
  func parse(_ bytes: UnsafeRawBufferPointer, into record: inout Record) {
    KeyValueText.scan(bytes, keys: keys, separator: separator) { index, value in stores[index](&record, value) }
  }
}
