/// A full collection on request: the article's `global.gc()`.
public struct Gc: Step {
  public static let kind = "gc"
  public static let summary = "collect the managed heap now, freeing garbage objects and their native payloads (global.gc())"
  public static let form = StepForm.nothing
  public static let example = "gc"

  public static func parse(_ input: StepInput) throws -> Gc {
    guard isNull(input.node) || (input.node.mapping?.isEmpty ?? false) else {
      throw input.context.error(at: input.node.mark, field: input.path, "expected no fields (write \"- gc\"), got \(input.node.describe)")
    }
    return Gc()
  }

  public func run(_ workload: Workload) throws {
    try workload.heap.collect()
    workload.publishHeap()
  }
}
