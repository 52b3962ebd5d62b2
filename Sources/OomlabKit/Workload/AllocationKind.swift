/// The kinds of memory a scenario allocates, each with its own ground-truth counter.
///
/// `objects` live in the managed heap, which reports them through the heap figures.
package enum AllocationKind: String, CaseIterable, Sendable, BitwiseCopyable {
  case buffers, native, pages, threads, objects
}
