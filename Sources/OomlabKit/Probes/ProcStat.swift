/// The fault counters of `/proc/PID/stat`.
package struct ProcStat: Equatable, Sendable {
  /// Field 10, `minflt`: faults served without I/O (first touches of anonymous pages among them).
  package var minorFaults: UInt64 = 0
  /// Field 12, `majflt`: faults that needed I/O.
  package var majorFaults: UInt64 = 0

  /// Creates an empty reading.
  package init() {}

  /// Parses /proc/PID/stat; the command name may hold spaces and parentheses, so fields count from the last `)`.
  package static func parse(_ text: String) -> ProcStat? {
    var copy = text
    return copy.withUTF8 { parse(UnsafeRawBufferPointer($0)) }
  }

  /// Parses the raw bytes of /proc/PID/stat without building Strings: it is read every tick.
  package static func parse(_ bytes: UnsafeRawBufferPointer) -> ProcStat? {
    var close = bytes.count - 1
    while close >= 0 && bytes[close] != 0x29 { close -= 1 }
    guard close >= 0 else { return nil }
    // After ") " come field 3 (state), 4, ...: minflt is field 10, majflt field 12.
    var field = 2
    var i = close + 1
    var minor: UInt64?
    var major: UInt64?
    while i < bytes.count && field < 12 {
      while i < bytes.count && bytes[i] == 0x20 { i += 1 }
      guard i < bytes.count, bytes[i] != 0x0A else { break }
      field += 1
      var value: UInt64 = 0
      var digits = true
      while i < bytes.count && bytes[i] != 0x20 && bytes[i] != 0x0A {
        let c = bytes[i]
        if c >= 0x30 && c <= 0x39 { value = value &* 10 &+ UInt64(c - 0x30) } else { digits = false }
        i += 1
      }
      if field == 10 && digits { minor = value }
      if field == 12 && digits { major = value }
    }
    guard let minor, let major else { return nil }
    var stat = ProcStat()
    stat.minorFaults = minor
    stat.majorFaults = major
    return stat
  }
}
