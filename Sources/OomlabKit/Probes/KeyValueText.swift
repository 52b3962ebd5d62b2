/// Scans `Key:   value kB` lines (/proc/PID/status, smaps_rollup) and `key value` lines
/// (cgroup memory.stat, memory.events, memory.oom_control).
enum KeyValueText {
  /// Calls `visit` with the index in `keys` of each line whose key is one of `keys`, and its value.
  ///
  /// Keys are compared as bytes: building a String per line was the largest cost of a tick.
  static func scan(
    _ bytes: UnsafeRawBufferPointer, keys: [[UInt8]], separator: UInt8 = 0x3A, _ visit: (Int, UInt64) -> Void
  ) {
    var lineStart = 0
    let count = bytes.count
    while lineStart < count {
      var colon = lineStart
      while colon < count && bytes[colon] != separator && bytes[colon] != 0x0A { colon += 1 }
      var lineEnd = colon
      while lineEnd < count && bytes[lineEnd] != 0x0A { lineEnd += 1 }
      if colon < lineEnd, let index = match(bytes, lineStart, colon, keys) {
        if let value = number(bytes, colon + 1, lineEnd) { visit(index, value) }
      }
      lineStart = lineEnd + 1
    }
  }

  private static func match(_ bytes: UnsafeRawBufferPointer, _ start: Int, _ end: Int, _ keys: [[UInt8]]) -> Int? {
    let length = end - start
    outer: for (index, key) in keys.enumerated() where key.count == length {
      for j in 0..<length where bytes[start + j] != key[j] { continue outer }
      return index
    }
    return nil
  }

  /// The first number after `start`, scaled to bytes when followed by `kB`.
  private static func number(_ bytes: UnsafeRawBufferPointer, _ start: Int, _ end: Int) -> UInt64? {
    var i = start
    while i < end && (bytes[i] == 0x20 || bytes[i] == 0x09) { i += 1 }
    var value: UInt64 = 0
    var digits = 0
    while i < end && bytes[i] >= 0x30 && bytes[i] <= 0x39 {
      value = value &* 10 &+ UInt64(bytes[i] - 0x30)
      i += 1
      digits += 1
    }
    guard digits > 0 else { return nil }
    while i < end && bytes[i] == 0x20 { i += 1 }
    if i + 1 < end && bytes[i] == 0x6B && bytes[i + 1] == 0x42 { value &*= 1024 }
    return value
  }

  /// Runs `body` over the UTF-8 bytes of `text` without copying them again.
  static func withBytes<T>(_ text: String, _ body: (UnsafeRawBufferPointer) -> T) -> T {
    var copy = text
    return copy.withUTF8 { body(UnsafeRawBufferPointer($0)) }
  }
}
