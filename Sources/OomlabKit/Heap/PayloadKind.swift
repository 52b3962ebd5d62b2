/// How the native payload of a heap object is known to the heap, which decides what collects it.
package enum PayloadKind: Sendable, Equatable {
  /// Malloc'ed by an addon and never reported: only a collection that finds its object dead frees it.
  case unreported
  /// Reported with `AdjustAmountOfExternalAllocatedMemory` (`napi_adjust_external_memory`): it
  /// counts in `external`, whose growth past its limit starts a full collection.
  case reported
  /// An ArrayBuffer's backing store, as `Buffer.alloc` makes: reported like `reported`, and while
  /// its object is young it also counts in the young array-buffer bytes that start a scavenge.
  case arrayBuffer
}
