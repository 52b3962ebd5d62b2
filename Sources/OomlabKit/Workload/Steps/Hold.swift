/// Waits, holding everything allocated so far, so the supervisor can watch a steady state.
public struct Hold: Step {
  public static let kind = "hold"
  public static let summary = "wait for a duration: hold: 2s"
  /// The duration, written alone or as `for:`.
  static let duration = FieldType.duration(allowZero: true)
  public static let form = StepForm.valueOrFields(
    duration, FieldSet([FieldSpec("for", duration, required: true, "how long to wait")]))
  public static let example = "hold: 500ms"

  let duration: UInt64

  public static func parse(_ input: StepInput) throws -> Hold {
    if input.node.scalar != nil {
      guard case .duration(let allowZero) = duration else { preconditionFailure("hold's value is a duration") }
      return Hold(duration: try FieldReader.duration(input.node, field: input.path, context: input.context, allowZero: allowZero))
    }
    let f = try input.fields()
    let step = Hold(duration: try f.require("for") { try f.duration($0) })
    f.finish()
    return step
  }

  public func run(_ workload: Workload) throws {
    Clock.sleep(nanoseconds: duration)
  }
}
