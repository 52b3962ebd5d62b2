/// Runs nested steps a number of times, or until the worker is killed.
package struct Repeat: Step {
  package static let kind = "repeat"
  package static let summary = "loop over steps: times: N or until: killed"
  package static let form = StepForm.fields(
    FieldSet(
      [
        FieldSpec("times", .integer(1...1_000_000_000), "how many times to run the steps"),
        FieldSpec("until", .choice(["killed"]), "run the steps until the worker is killed"),
        FieldSpec("steps", .steps, required: true, "the steps to repeat"),
      ], exactlyOne: ["times", "until"]))
  package static let example = "repeat: { times: 3, steps: [ { buffers: { count: 1, size: 1MiB } }, { hold: 100ms } ] }"

  /// How many iterations; nil repeats until the worker is killed.
  let times: Int?
  let steps: [PlannedStep]

  package static func parse(_ input: StepInput) throws -> Repeat {
    let f = try input.fields()
    let times = try f.int("times")
    let until = try f.choice("until")
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

  package func run(_ workload: Workload) throws {
    var iteration = 0
    while times.map({ iteration < $0 }) ?? true {
      try workload.run(steps)
      iteration += 1
    }
  }
}
