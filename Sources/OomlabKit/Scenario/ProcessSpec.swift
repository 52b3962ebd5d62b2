/// One of several workers that share a scenario's cgroup, each with its own steps.
public struct ProcessSpec: Sendable {
  /// The process's name, used in the CSV's `process` column and the summary.
  public let name: String
  /// The oom_score_adj the worker sets before its first step.
  public let oomScoreAdj: Int?
  /// The steps this worker executes.
  public let steps: [PlannedStep]
}
