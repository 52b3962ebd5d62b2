/// The state of a v1 cgroup's `memory.oom_control`.
public struct OomControl: Equatable, Sendable {
  /// Whether the OOM killer is disabled for the cgroup (tasks then hang at the limit instead of dying).
  public var oomKillDisable = false
  /// Whether the cgroup is at its limit right now with the killer disabled.
  public var underOom = false
  /// Processes the OOM killer killed in this cgroup; nil on kernels before 4.13, which lack the line.
  public var oomKill: UInt64?

  /// Creates a record with the killer enabled and no kills.
  public init() {}

  /// Parses the text of memory.oom_control.
  public static func parse(_ text: String) -> OomControl {
    KeyValueText.withBytes(text) { parse($0) }
  }

  static let keys = KeyValueText.keys(["oom_kill_disable", "under_oom", "oom_kill"])

  /// Parses the raw bytes of memory.oom_control.
  public static func parse(_ bytes: UnsafeRawBufferPointer) -> OomControl {
    var control = OomControl()
    KeyValueText.scan(bytes, keys: keys, separator: 0x20) { index, value in
      switch index {
      case 0: control.oomKillDisable = value != 0
      case 1: control.underOom = value != 0
      default: control.oomKill = value
      }
    }
    return control
  }
}
