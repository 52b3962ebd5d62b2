/// The state of a v1 cgroup's `memory.oom_control`.
package struct OomControl: Equatable, Sendable {
  /// Whether the OOM killer is disabled for the cgroup (tasks then hang at the limit instead of dying).
  package var oomKillDisable = false
  /// Whether the cgroup is at its limit right now with the killer disabled.
  package var underOom = false
  /// Processes the OOM killer killed in this cgroup; nil on kernels before 4.13, which lack the line.
  package var oomKill: UInt64?

  /// Creates a record with the killer enabled and no kills.
  package init() {}

  /// Parses the text of memory.oom_control.
  package static func parse(_ text: String) -> OomControl {
    KeyValueText.withBytes(text) { parse($0) }
  }

  static let fields = KeyValueFields<OomControl>(separator: 0x20, [
    "oom_kill_disable": { $0.oomKillDisable = $1 != 0 }, "under_oom": { $0.underOom = $1 != 0 },
    "oom_kill": { $0.oomKill = $1 },
  ])

  /// Parses the raw bytes of memory.oom_control.
  package static func parse(_ bytes: UnsafeRawBufferPointer) -> OomControl {
    var control = OomControl()
    fields.parse(bytes, into: &control)
    return control
  }
}
