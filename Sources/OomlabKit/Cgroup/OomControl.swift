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

  static let fields = KeyValueFields<OomControl>(separator: 0x20, [
    "oom_kill_disable": { $0.oomKillDisable = $1 != 0 }, "under_oom": { $0.underOom = $1 != 0 },
    "oom_kill": { $0.oomKill = $1 },
  ])

  /// Parses the raw bytes of memory.oom_control.
  public static func parse(_ bytes: UnsafeRawBufferPointer) -> OomControl {
    var control = OomControl()
    fields.parse(bytes, into: &control)
    return control
  }
}
