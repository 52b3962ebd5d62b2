/// Writes the worker's `/proc/self/oom_score_adj`, to protect it from or offer it to the OOM killer.
package struct OomScoreAdj: Step {
  package static let kind = "oom-score-adj"
  package static let summary = "set /proc/self/oom_score_adj to a value in -1000...1000"
  /// The values the kernel takes.
  static let range = -1000...1000
  package static let form = StepForm.value(.integer(range))
  package static let example = "oom-score-adj: 500"

  let value: Int

  package static func parse(_ input: StepInput) throws -> OomScoreAdj {
    let node = input.node
    guard node.scalar != nil, let value = Int(node.scalar!.string), range.contains(value) else {
      throw input.context.error(
        at: node.mark, field: input.path, "expected an integer in \(range.lowerBound)...\(range.upperBound), got \(node.describe)")
    }
    return OomScoreAdj(value: value)
  }

  package func run(_ workload: Workload) throws {
    do {
      try FileIO.write("/proc/self/oom_score_adj", "\(value)\n")
    } catch {
      // Lowering the value needs CAP_SYS_RESOURCE; say so instead of running with the wrong score.
      throw WorkloadError.failed("cannot set oom_score_adj to \(value): \(error)")
    }
  }
}
