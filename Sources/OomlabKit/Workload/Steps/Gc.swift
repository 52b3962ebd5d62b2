/// A full collection on request: the article's `global.gc()`.
package struct Gc: Step {
  package static let kind = "gc"
  package static let summary = "collect the managed heap now, freeing garbage objects and their native payloads (global.gc())"
  package static let form = StepForm.nothing
  package static let example = "gc"

  package static func parse(_ input: StepInput) throws -> Gc {
    guard isNull(input.node) || (input.node.mapping?.isEmpty ?? false) else {
      throw input.context.error(at: input.node.mark, field: input.path, "expected no fields (write \"- gc\"), got \(input.node.describe)")
    }
    return Gc()
  }

  package func run(_ workload: Workload) throws {
    try workload.heap.collect()
    workload.publishHeap()
  }
}
