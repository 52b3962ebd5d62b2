/// Waits, holding everything allocated so far, so the supervisor can watch a steady state.
public struct Hold: Step {
  public static let kind = "hold"
  public static let summary = "wait for a duration: hold: 2s"

  let duration: UInt64

  public static func parse(_ input: StepInput) throws -> Hold {
    if input.node.scalar != nil {
      return Hold(duration: try FieldReader.duration(input.node, field: input.path, context: input.context))
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
