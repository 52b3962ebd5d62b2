/// Scans `Key:   value kB` lines, the format of /proc/PID/status, smaps_rollup and meminfo.
enum KeyValueText {
  /// Calls `visit` with each line's key and its first number, scaled to bytes when the line says `kB`.
  static func scan(_ bytes: UnsafeRawBufferPointer, _ visit: (String, UInt64) -> Void) {
    var lineStart = 0
    let count = bytes.count
    while lineStart < count {
      var lineEnd = lineStart
      while lineEnd < count && bytes[lineEnd] != 0x0A { lineEnd += 1 }
      var colon = lineStart
      while colon < lineEnd && bytes[colon] != 0x3A { colon += 1 }
      if colon < lineEnd {
        var i = colon + 1
        while i < lineEnd && (bytes[i] == 0x20 || bytes[i] == 0x09) { i += 1 }
        var value: UInt64 = 0
        var digits = 0
        while i < lineEnd && bytes[i] >= 0x30 && bytes[i] <= 0x39 {
          value = value &* 10 &+ UInt64(bytes[i] - 0x30)
          i += 1
          digits += 1
        }
        if digits > 0 {
          while i < lineEnd && bytes[i] == 0x20 { i += 1 }
          if i + 1 < lineEnd && bytes[i] == 0x6B && bytes[i + 1] == 0x42 { value &*= 1024 }
          let key = String(decoding: UnsafeRawBufferPointer(rebasing: bytes[lineStart..<colon]), as: UTF8.self)
          visit(key, value)
        }
      }
      lineStart = lineEnd + 1
    }
  }
}
