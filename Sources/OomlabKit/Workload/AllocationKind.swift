/// The kinds of memory a scenario allocates, each with its own ground-truth counter.
public enum AllocationKind: String, CaseIterable, Sendable {
  case buffers, native, pages, threads
}
