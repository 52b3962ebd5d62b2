/// Everything the supervisor learned about one worker at one tick.
public struct Sample {
  /// Seconds since the worker was started.
  public var seconds: Double = 0
  /// The worker's name (`worker`, or the name under `processes:`).
  public var process: String = "worker"
  /// The worker's PID.
  public var pid: Int32 = 0
  /// The parent's PID, from /proc/PID/stat.
  public var parentPid: Int32?
  /// The pre-order index of the step in progress, nil before the first step.
  public var stepIndex: Int?
  /// The kind of the step in progress: `start` before the first, `end` after the last.
  public var step: String = "start"
  /// /proc/PID/status.
  public var status: ProcStatus?
  /// /proc/PID/stat.
  public var stat: ProcStat?
  /// /proc/PID/oom_score.
  public var oomScore: Int?
  /// /proc/PID/oom_score_adj.
  public var oomScoreAdj: Int?
  /// /proc/PID/smaps_rollup, from the latest tick that read it.
  public var rollup: SmapsRollup?
  /// The worker's shared page, indexed by `SharedCounter.rawValue`.
  public var counters: [UInt64] = []

  /// The memory cgroup's counters, shared by every worker in it.
  public var cgroup: CgroupReading?
  /// The kernel's badness of this worker against the cgroup limit.
  public var oomScoreCgroup: Int?
  /// The allocator serving the worker.
  public var allocator: String = "glibc"
  /// The latest report of a Node process's own heap figures, under `exec`.
  public var node: NodeReport?
  /// Seconds between that report and this sample.
  public var nodeReportAge: Double?
  /// Seconds between the worker's allocator reading in `counters` and this sample's time.
  public var allocatorAge: Double?

  /// Creates an empty sample.
  public init() {}

  /// A counter from the worker's shared page.
  public func counter(_ counter: SharedCounter) -> UInt64? {
    counter.rawValue < counters.count ? counters[counter.rawValue] : nil
  }

  /// A managed-heap figure: the worker's counter, or what a Node process reported of its own heap under `exec`.
  public func heap(_ counter: SharedCounter) -> UInt64? {
    if let value = self.counter(counter) { return value }
    guard let node else { return nil }
    switch counter {
    case .heapUsedBytes: return node.heapUsed
    case .heapTotalBytes: return node.heapTotal
    case .heapLimitBytes: return node.heapLimit
    case .externalBytes: return node.external
    default: return nil
    }
  }

  /// An allocator statistic, nil until the worker published one or when the allocator lacks it.
  public func allocatorValue(_ counter: SharedCounter) -> UInt64? {
    guard self.counter(.allocatorStatsValid) == 1, let value = self.counter(counter), value != UInt64.max else { return nil }
    return value
  }
}
