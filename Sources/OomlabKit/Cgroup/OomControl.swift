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
    SpaceKeyedText.withBytes(text) { parse($0) }
  }

  /// Parses the raw bytes of memory.oom_control.
  public static func parse(_ bytes: UnsafeRawBufferPointer) -> OomControl {
    var control = OomControl()
    SpaceKeyedText.scan(bytes) { key, value in
      switch key {
      case "oom_kill_disable": control.oomKillDisable = value != 0
      case "under_oom": control.underOom = value != 0
      case "oom_kill": control.oomKill = value
      default: break
      }
    }
    return control
  }
}
