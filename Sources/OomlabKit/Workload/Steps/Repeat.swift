/// Runs nested steps a number of times, or until the worker is killed.
public struct Repeat: Step {
  public static let kind = "repeat"
  public static let summary = "loop over steps: times: N or until: killed"

  /// How many iterations; nil repeats until the worker is killed.
  let times: Int?
  let steps: [PlannedStep]

  public static func parse(_ input: StepInput) throws -> Repeat {
    let f = try input.fields()
    let times = try f.int("times", in: 1...1_000_000_000)
    let until = try f.choice("until", ["killed"])
    guard (times == nil) != (until == nil) else {
      throw input.context.error(
        at: f.mark, field: input.path, "expected exactly one of times: N or until: killed")
    }
    guard let stepsNode = f.node("steps") else {
      throw input.context.error(at: f.mark, field: f.fieldPath("steps"), "missing required field \"steps\"")
    }
    let steps = try input.steps(stepsNode, path: f.fieldPath("steps"))
    f.finish()
    return Repeat(times: times, steps: steps)
  }

  public func run(_ workload: Workload) throws {
    var iteration = 0
    while times.map({ iteration < $0 }) ?? true {
      try workload.run(steps)
      iteration += 1
    }
  }
}
