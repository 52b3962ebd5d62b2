/// The counters of a v2 cgroup's `memory.events`.
public struct MemoryEvents: Equatable, Sendable {
  /// Times usage went over memory.high and the cgroup was throttled.
  public var high: UInt64 = 0
  /// Times usage was about to go over memory.max and reclaim was forced.
  public var max: UInt64 = 0
  /// Times the cgroup hit its limit and reclaim failed (the OOM path was entered).
  public var oom: UInt64 = 0
  /// Processes the OOM killer killed in this cgroup or below; nil on kernels without the line, so
  /// that "no counter" is never mistaken for "no kill".
  public var oomKill: UInt64?
  /// Times the whole cgroup was killed at once because memory.oom.group is set.
  public var oomGroupKill: UInt64?

  /// Creates an all-zero record.
  public init() {}

  /// Parses the text of memory.events.
  public static func parse(_ text: String) -> MemoryEvents {
    KeyValueText.withBytes(text) { parse($0) }
  }

  static let keys = KeyValueText.keys(["high", "max", "oom", "oom_kill", "oom_group_kill"])

  /// Parses the raw bytes of memory.events.
  public static func parse(_ bytes: UnsafeRawBufferPointer) -> MemoryEvents {
    var events = MemoryEvents()
    KeyValueText.scan(bytes, keys: keys, separator: 0x20) { index, value in
      switch index {
      case 0: events.high = value
      case 1: events.max = value
      case 2: events.oom = value
      case 3: events.oomKill = value
      default: events.oomGroupKill = value
      }
    }
    return events
  }
}
