/// A validated scenario: what to allocate, in which order, under which settings.
package struct Scenario: Sendable {
  /// The file the scenario was read from.
  package let file: String
  /// The text the scenario was parsed from, handed to workers so they run exactly what was validated.
  package internal(set) var source = ""
  /// The scenario language version; only 1 exists.
  package let version: Int
  /// A short name, used for default output file names.
  package let name: String
  /// What the scenario demonstrates.
  package let about: String
  /// The memory limit: nil when the scenario says nothing.
  package let limit: LimitSetting?
  /// The managed heap's ceiling, possibly a share of the limit.
  package let heapLimit: SizeSpec?
  /// `glibc`, `jemalloc` or a path to a preloadable allocator.
  package let allocator: String?
  /// jemalloc's MALLOC_CONF for this scenario.
  package let mallocConf: String?
  /// glibc's arena cap for this scenario.
  package let arenaMax: Int?
  /// `oom-group`: the OOM killer takes every process of the run at once (v2 `memory.oom.group`, as Kubernetes sets for a pod).
  package let oomGroup: Bool
  /// The sampling interval in nanoseconds.
  package let sampleInterval: UInt64?
  /// The outcome the scenario is meant to reach.
  package let expect: ExpectedOutcome?
  /// How long a run may take, in nanoseconds, before its workers are killed (`timeout:`).
  package let timeout: UInt64?
  /// The workers to run; a scenario with top-level `steps` has one, named after the scenario.
  package let processes: [ProcessSpec]
  /// The kind of every step in pre-order, indexed like `PlannedStep.index`.
  package let stepKinds: [String]
  /// The `as:` name of every step in pre-order, nil where it has none; indexed like `stepKinds`.
  package let stepNames: [String?]
  /// Fields written as a share of the limit, which need one to be set, in file order.
  package let percentFields: [PercentField]
  /// Where each top-level field's value is written, for errors found after parsing.
  package let places: [String: (line: Int, column: Int)]
}
