/// A region the managed heap committed with mmap: objects are bump-allocated into it and it is
/// unmapped once none of them is left.
struct HeapChunk {
  /// The start of the mapping.
  let base: UnsafeMutableRawPointer
  /// The mapping's length: what the chunk adds to `heap_total`.
  let capacity: UInt64
  /// Holds a single object too large for a regular chunk (V8's large object space).
  let isLarge: Bool
  /// The bump pointer: bytes at and after it were never handed out.
  var top: UInt64 = 0
  /// Bytes of the objects still in the chunk (live or not yet collected).
  var usedBytes: UInt64 = 0
  /// How many objects are still in the chunk.
  var objects: Int = 0

  /// Bytes below the bump pointer whose objects were collected: holes bump allocation never reuses.
  var deadBytes: UInt64 { top - usedBytes }
}
