/// Scans `key value` lines, the format of memory.stat, memory.events and memory.oom_control.
enum SpaceKeyedText {
  /// Calls `visit` with each line's key and its unsigned number; lines without one are skipped.
  static func scan(_ bytes: UnsafeRawBufferPointer, _ visit: (String, UInt64) -> Void) {
    var lineStart = 0
    let count = bytes.count
    while lineStart < count {
      var lineEnd = lineStart
      while lineEnd < count && bytes[lineEnd] != 0x0A { lineEnd += 1 }
      var space = lineStart
      while space < lineEnd && bytes[space] != 0x20 { space += 1 }
      if space > lineStart && space < lineEnd {
        var i = space + 1
        var value: UInt64 = 0
        var digits = 0
        while i < lineEnd && bytes[i] >= 0x30 && bytes[i] <= 0x39 {
          value = value &* 10 &+ UInt64(bytes[i] - 0x30)
          i += 1
          digits += 1
        }
        if digits > 0 {
          visit(String(decoding: UnsafeRawBufferPointer(rebasing: bytes[lineStart..<space]), as: UTF8.self), value)
        }
      }
      lineStart = lineEnd + 1
    }
  }

  /// Runs `body` over the UTF-8 bytes of `text` without copying them again.
  static func withBytes<T>(_ text: String, _ body: (UnsafeRawBufferPointer) -> T) -> T {
    var copy = text
    return copy.withUTF8 { body(UnsafeRawBufferPointer($0)) }
  }
}
