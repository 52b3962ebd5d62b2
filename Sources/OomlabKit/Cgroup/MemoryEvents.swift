/// The counters oomlab takes from a v2 cgroup's `memory.events`.
package struct MemoryEvents: Equatable, Sendable {
  /// Times the cgroup hit its limit and reclaim failed (the OOM path was entered).
  package var oom: UInt64 = 0
  /// Processes the OOM killer killed in this cgroup or below; nil on kernels without the line, so
  /// that "no counter" is never mistaken for "no kill".
  package var oomKill: UInt64?
  /// Times the whole cgroup was killed at once because memory.oom.group is set.
  package var oomGroupKill: UInt64?

  /// Creates an all-zero record.
  package init() {}

  /// Parses the text of memory.events.
  package static func parse(_ text: String) -> MemoryEvents {
    KeyValueText.withBytes(text) { parse($0) }
  }

  static let fields = KeyValueFields<MemoryEvents>(separator: 0x20, [
    "oom": { $0.oom = $1 }, "oom_kill": { $0.oomKill = $1 },
    "oom_group_kill": { $0.oomGroupKill = $1 },
  ])

  /// Parses the raw bytes of memory.events.
  package static func parse(_ bytes: UnsafeRawBufferPointer) -> MemoryEvents {
    var events = MemoryEvents()
    fields.parse(bytes, into: &events)
    return events
  }
}
