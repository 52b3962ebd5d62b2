/// Writes the worker's `/proc/self/oom_score_adj`, to protect it from or offer it to the OOM killer.
public struct OomScoreAdj: Step {
  public static let kind = "oom-score-adj"
  public static let summary = "set /proc/self/oom_score_adj to a value in -1000...1000"
  /// The values the kernel takes.
  static let range = -1000...1000
  public static let form = StepForm.value(.integer(range))
  public static let example = "oom-score-adj: 500"

  let value: Int

  public static func parse(_ input: StepInput) throws -> OomScoreAdj {
    let node = input.node
    guard node.scalar != nil, let value = Int(node.scalar!.string), range.contains(value) else {
      throw input.context.error(
        at: node.mark, field: input.path, "expected an integer in \(range.lowerBound)...\(range.upperBound), got \(node.describe)")
    }
    return OomScoreAdj(value: value)
  }

  public func run(_ workload: Workload) throws {
    do {
      try FileIO.write("/proc/self/oom_score_adj", "\(value)\n")
    } catch {
      // Lowering the value needs CAP_SYS_RESOURCE; say so instead of running with the wrong score.
      throw WorkloadError.failed("cannot set oom_score_adj to \(value): \(error)")
    }
  }
}
