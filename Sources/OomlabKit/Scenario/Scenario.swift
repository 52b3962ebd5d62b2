/// A validated scenario: what to allocate, in which order, under which settings.
public struct Scenario {
  /// The file the scenario was read from.
  public let file: String
  /// The text the scenario was parsed from, handed to workers so they run exactly what was validated.
  public internal(set) var source = ""
  /// The scenario language version; only 1 exists.
  public let version: Int
  /// A short name, used for default output file names.
  public let name: String
  /// What the scenario demonstrates.
  public let about: String
  /// The memory limit: nil when the scenario says nothing.
  public let limit: LimitSetting?
  /// The managed heap's ceiling, possibly a share of the limit.
  public let heapLimit: SizeSpec?
  /// `glibc`, `jemalloc` or a path to a preloadable allocator.
  public let allocator: String?
  /// jemalloc's MALLOC_CONF for this scenario.
  public let mallocConf: String?
  /// glibc's arena cap for this scenario.
  public let arenaMax: Int?
  /// `oom-group`: the OOM killer takes every process of the run at once (v2 `memory.oom.group`, as Kubernetes sets for a pod).
  public let oomGroup: Bool
  /// The sampling interval in nanoseconds.
  public let sampleInterval: UInt64?
  /// The outcome the scenario is meant to reach.
  public let expect: ExpectedOutcome?
  /// The workers to run; a scenario with top-level `steps` has one, named after the scenario.
  public let processes: [ProcessSpec]
  /// The kind of every step in pre-order, indexed like `PlannedStep.index`.
  public let stepKinds: [String]
  /// The `as:` name of every step in pre-order, empty where it has none; indexed like `stepKinds`.
  public let stepNames: [String]
  /// Fields written as a share of the limit, which need one to be set, in file order.
  public let percentFields: [PercentField]
  /// Where each top-level field's value is written, for errors found after parsing.
  public let places: [String: (line: Int, column: Int)]
}
