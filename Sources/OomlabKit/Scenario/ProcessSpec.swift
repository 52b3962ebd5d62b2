/// One of several workers that share a scenario's cgroup, each with its own steps.
package struct ProcessSpec: Sendable {
  /// The process's name, used in the CSV's `process` column and the summary.
  package let name: String
  /// The oom_score_adj the worker sets before its first step.
  package let oomScoreAdj: Int?
  /// The steps this worker executes.
  package let steps: [PlannedStep]
}
