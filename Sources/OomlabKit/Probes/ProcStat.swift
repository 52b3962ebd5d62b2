/// The fault counters of `/proc/PID/stat`.
public struct ProcStat: Equatable, Sendable {
  /// Field 10, `minflt`: faults served without I/O (first touches of anonymous pages among them).
  public var minorFaults: UInt64 = 0
  /// Field 12, `majflt`: faults that needed I/O.
  public var majorFaults: UInt64 = 0

  /// Creates an empty reading.
  public init() {}

  /// Parses /proc/PID/stat; the command name may hold spaces and parentheses, so fields count from the last `)`.
  public static func parse(_ text: String) -> ProcStat? {
    guard let close = text.lastIndex(of: ")") else { return nil }
    let fields = text[text.index(after: close)...].split(separator: " ")
    // fields[0] is field 3 (state); minflt is field 10, majflt field 12.
    guard fields.count > 9, let minor = UInt64(fields[7]), let major = UInt64(fields[9]) else { return nil }
    var stat = ProcStat()
    stat.minorFaults = minor
    stat.majorFaults = major
    return stat
  }
}
