/// Waits, holding everything allocated so far, so the supervisor can watch a steady state.
package struct Hold: Step {
  package static let kind = "hold"
  package static let summary = "wait for a duration: hold: 2s"
  /// The duration, written alone or as `for:`.
  static let duration = FieldType.duration(allowZero: true)
  package static let form = StepForm.valueOrFields(
    duration, FieldSet([FieldSpec("for", duration, required: true, "how long to wait")]))
  package static let example = "hold: 500ms"

  let duration: UInt64

  package static func parse(_ input: StepInput) throws -> Hold {
    if input.node.scalar != nil {
      guard case .duration(let allowZero) = duration else { preconditionFailure("hold's value is a duration") }
      return Hold(duration: try FieldReader.duration(input.node, field: input.path, context: input.context, allowZero: allowZero))
    }
    let f = try input.fields()
    let step = Hold(duration: try f.require("for") { try f.duration($0) })
    f.finish()
    return step
  }

  package func run(_ workload: Workload) throws {
    // A program that waits lets V8 run its pending tasks: the scavenge task, if new space passed 80%.
    try workload.heap.idle()
    workload.publishHeap()
    Clock.sleep(nanoseconds: duration)
  }
}
