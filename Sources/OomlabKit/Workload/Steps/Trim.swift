import COomlabShim

/// Asks the allocator to give free memory back to the kernel.
package struct Trim: Step {
  package static let kind = "trim"
  package static let summary = "give free memory back: glibc malloc_trim(0), jemalloc arena.<all>.purge"
  package static let form = StepForm.nothing
  package static let example = "trim"

  package static func parse(_ input: StepInput) throws -> Trim {
    guard isNull(input.node) || (input.node.mapping?.isEmpty ?? false) else {
      throw input.context.error(at: input.node.mark, field: input.path, "expected no fields (write \"- trim\"), got \(input.node.describe)")
    }
    return Trim()
  }

  package func run(_ workload: Workload) throws {
    let identity = AllocatorIdentity.current()
    if identity.hasMallctl {
      guard oomlab_jemalloc_purge_all() == 0 else { throw WorkloadError.failed("jemalloc arena.4096.purge failed") }
    } else if identity.isGlibc {
      _ = oomlab_glibc_trim()
    } else {
      // Not skipped silently: the summary and stderr say the step did nothing.
      workload.shared.add(.trimUnsupported, 1)
      Worker.report("trim is not supported by the allocator in \(identity.provider); nothing was released")
    }
  }
}
