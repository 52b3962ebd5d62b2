/// One tick's view of a memory cgroup, in bytes; nil where this kernel or cgroup version has no such figure.
package struct CgroupReading: Equatable, Sendable {
  /// The cgroup's charge (v2 `memory.current`, v1 `memory.usage_in_bytes`): what the limit is compared with.
  package var usage: UInt64 = 0
  /// The limit, or nil when unlimited (v2 `memory.max`, v1 `memory.limit_in_bytes`).
  package var limit: UInt64?
  /// The highest charge so far (v2 `memory.peak` where the kernel has it, v1 `memory.max_usage_in_bytes`).
  package var peak: UInt64?
  /// Anonymous memory charged (memory.stat).
  package var anon: UInt64?
  /// Page cache charged, tmpfs included (memory.stat).
  package var file: UInt64?
  /// Kernel stacks + page tables + slab: v2 memory.stat; v1 `memory.kmem.usage_in_bytes`, which is all kernel memory.
  package var kernel: UInt64?
  /// `some avg10` of v2 `memory.pressure`, in percent; nil on v1, which has no per-cgroup pressure.
  package var psiSomeAvg10: Double?
  /// `full avg10` of v2 `memory.pressure`, in percent; nil on v1.
  package var psiFullAvg10: Double?
  /// Processes the OOM killer killed in the cgroup (v2 memory.events, v1 memory.oom_control `oom_kill`).
  package var oomKills: UInt64?
  /// Times the cgroup hit its limit and reclaim failed, so the OOM path was entered (v2 memory.events `oom`).
  package var oomEvents: UInt64?
  /// Times the whole cgroup was killed at once because memory.oom.group is set (v2 memory.events `oom_group_kill`).
  package var oomGroupKills: UInt64?

  /// Creates a reading with only the usage known.
  package init(usage: UInt64 = 0) { self.usage = usage }
}
