/// The 10-second averages of a v2 cgroup's `memory.pressure` (or /proc/pressure/memory), the figures oomlab records.
package struct Pressure: Equatable, Sendable {
  /// Share of the last 10 s in which at least one task waited for memory, in percent.
  package var someAvg10: Double?
  /// Share of the last 10 s in which all non-idle tasks waited for memory at once, in percent.
  package var fullAvg10: Double?

  /// Creates an empty record.
  package init() {}

  /// Parses the text of memory.pressure.
  package static func parse(_ text: String) -> Pressure {
    KeyValueText.withBytes(text) { parse($0) }
  }

  /// Parses the lines `some avg10=1.53 avg60=0.42 avg300=0.09 total=2087391` and `full ...` from raw bytes,
  /// without building a String, since the file is read every tick.
  package static func parse(_ bytes: UnsafeRawBufferPointer) -> Pressure {
    var pressure = Pressure()
    var lineStart = 0
    while lineStart < bytes.count {
      var lineEnd = lineStart
      while lineEnd < bytes.count && bytes[lineEnd] != 0x0A { lineEnd += 1 }
      if has(some, in: bytes, at: lineStart, before: lineEnd) {
        pressure.someAvg10 = decimal(in: bytes, from: lineStart + some.count, to: lineEnd)
      } else if has(full, in: bytes, at: lineStart, before: lineEnd) {
        pressure.fullAvg10 = decimal(in: bytes, from: lineStart + full.count, to: lineEnd)
      }
      lineStart = lineEnd + 1
    }
    return pressure
  }

  private static let some = Array("some avg10=".utf8)
  private static let full = Array("full avg10=".utf8)

  /// Whether `prefix` starts at `start` and ends before `end`.
  private static func has(_ prefix: [UInt8], in bytes: UnsafeRawBufferPointer, at start: Int, before end: Int) -> Bool {
    guard end - start >= prefix.count else { return false }
    for j in 0..<prefix.count where bytes[start + j] != prefix[j] { return false }
    return true
  }

  /// The decimal `12.34` at `start`, or nil when there are no digits; one division, so it equals `Double("12.34")`.
  private static func decimal(in bytes: UnsafeRawBufferPointer, from start: Int, to end: Int) -> Double? {
    var mantissa: UInt64 = 0
    var scale = 1.0
    var digits = 0
    var fraction = false
    var i = start
    while i < end {
      let byte = bytes[i]
      if byte >= 0x30 && byte <= 0x39 {
        mantissa = mantissa &* 10 &+ UInt64(byte - 0x30)
        digits += 1
        if fraction { scale *= 10 }
      } else if byte == 0x2E && !fraction {
        fraction = true
      } else {
        break
      }
      i += 1
    }
    return digits > 0 ? Double(mantissa) / scale : nil
  }
}
