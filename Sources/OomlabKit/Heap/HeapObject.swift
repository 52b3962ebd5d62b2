/// One object in the managed heap: where it sits, how big it is, and what it pins outside the heap.
///
/// Kept to 32 bytes like `Allocation`: a heap of 200,000 small objects must not grow a side
/// table large enough to blur the comparison of heap figures with RSS.
struct HeapObject {
  /// The malloc'ed native payload the object owns, freed only when the object is collected.
  var payload: UnsafeMutableRawPointer?
  /// The slot of the chunk holding the object's bytes.
  var chunk: UInt32
  /// The object's offset in its chunk.
  var offset: UInt32
  /// The object's size in bytes, a multiple of `ManagedHeap.alignment`.
  let size: UInt32
  /// The payload's size in bytes, 0 without a payload.
  let payloadSize: UInt32
  /// The interned `as:` name of the step that made it (see `AllocationNames`).
  let nameID: UInt16
  /// Unreachable: the next collection frees it.
  var isGarbage: Bool
  /// The payload is reported to the heap as external memory (V8's AdjustAmountOfExternalAllocatedMemory).
  let isExternal: Bool
}
