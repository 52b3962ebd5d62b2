import COomlabShim

/// One live allocation the worker holds, with what it costs.
struct Allocation {
  let kind: AllocationKind
  /// The `as:` name of the step that made it.
  let name: String?
  /// The address of a malloc'ed block or mapped region.
  let address: UnsafeMutableRawPointer?
  /// The bytes asked for (reserved address space for pages and stacks).
  let bytes: UInt64
  /// The bytes of it the scenario wrote.
  let touched: UInt64
  /// The thread that owns a stack, for `threads`.
  let thread: OpaquePointer?
}
