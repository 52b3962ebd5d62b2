/// Everything the supervisor learned about one worker at one tick or step boundary.
package struct Sample {
  /// Seconds since the worker was started.
  package var seconds: Double = 0
  /// Seconds since the Unix epoch when the sample was taken, from CLOCK_REALTIME.
  package var unixTime: Double?
  /// Whether this is a periodic tick or an event the worker waited at.
  package var row: RowKind = .tick
  /// The worker's name (`worker`, or the name under `processes:`).
  package var process: String = "worker"
  /// The worker's PID.
  package var pid: Int32 = 0
  /// The parent's PID, from /proc/PID/stat.
  package var parentPid: Int32?
  /// The pre-order index of the step in progress, nil before the first step.
  package var stepIndex: Int?
  /// The kind of the step in progress: `start` before the first, `end` after the last.
  package var step: String = "start"
  /// The `as:` name of that step, empty when it has none.
  package var stepName: String = ""
  /// /proc/PID/status.
  package var status: ProcStatus?
  /// /proc/PID/stat.
  package var stat: ProcStat?
  /// /proc/PID/oom_score.
  package var oomScore: Int?
  /// /proc/PID/oom_score_adj.
  package var oomScoreAdj: Int?
  /// /proc/PID/smaps_rollup, from the latest tick that read it.
  package var rollup: SmapsRollup?
  /// The worker's shared page, indexed by `SharedCounter.rawValue`.
  package var counters: [UInt64] = []

  /// The memory cgroup's counters, shared by every worker in it.
  package var cgroup: CgroupReading?
  /// The kernel's badness of this worker against the cgroup limit.
  package var oomScoreCgroup: Int?
  /// The allocator serving the worker.
  package var allocator: String = "glibc"
  /// The latest report of a Node process's own heap figures, under `exec`.
  package var node: NodeReport?
  /// Seconds between that report and this sample.
  package var nodeReportAge: Double?
  /// Seconds between the worker's allocator reading in `counters` and this sample's time.
  package var allocatorAge: Double?

  /// Creates an empty sample.
  package init() {}

  /// A counter from the worker's shared page.
  package func counter(_ counter: SharedCounter) -> UInt64? {
    counter.rawValue < counters.count ? counters[counter.rawValue] : nil
  }

  /// A managed-heap figure: the worker's counter, or what a Node process reported of its own heap under `exec`.
  package func heap(_ counter: SharedCounter) -> UInt64? {
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
  package func allocatorValue(_ counter: SharedCounter) -> UInt64? {
    guard self.counter(.allocatorStatsValid) == 1, let value = self.counter(counter), value != UInt64.max else { return nil }
    return value
  }
}
