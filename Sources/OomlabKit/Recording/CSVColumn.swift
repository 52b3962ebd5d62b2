/// One column of the time-series CSV: its name, unit, where the number comes from, and how to get it.
package struct CSVColumn: Sendable {
  /// The header name, snake_case, `_bytes` for byte counts.
  package let name: String
  /// The unit of the values.
  package let unit: String
  /// The file and field (or computation) the value is read from.
  package let source: String
  /// What the value means.
  package let meaning: String
  let value: @Sendable (Sample) -> CSVValue
}

/// A CSV cell: a number, text, or empty when the source had nothing to say.
package enum CSVValue: Equatable, Sendable {
  case integer(Int64)
  case unsigned(UInt64)
  case decimal(Double)
  /// A ratio, written with four decimals.
  case ratio(Double)
  case text(String)
  case empty

  init(_ value: UInt64?) { self = value.map(CSVValue.unsigned) ?? .empty }
  init(_ value: Int?) { self = value.map { .integer(Int64($0)) } ?? .empty }
}
