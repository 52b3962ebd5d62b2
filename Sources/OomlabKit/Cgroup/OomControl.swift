/// The figure oomlab takes from a v1 cgroup's `memory.oom_control`.
package struct OomControl: Equatable, Sendable {
  /// Processes the OOM killer killed in this cgroup; nil on kernels before 4.13, which lack the line.
  package var oomKill: UInt64?

  /// Creates a record without the line.
  package init() {}

  /// Parses the text of memory.oom_control.
  package static func parse(_ text: String) -> OomControl {
    KeyValueText.withBytes(text) { parse($0) }
  }

  static let fields = KeyValueFields<OomControl>(separator: 0x20, ["oom_kill": { $0.oomKill = $1 }])

  /// Parses the raw bytes of memory.oom_control.
  package static func parse(_ bytes: UnsafeRawBufferPointer) -> OomControl {
    var control = OomControl()
    fields.parse(bytes, into: &control)
    return control
  }
}
