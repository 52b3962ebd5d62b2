/// A page the managed heap mapped for its old generation or its large objects, as V8's
/// `MemoryChunk`: a header, then objects bump-allocated up to `top`.
struct HeapPage {
  /// Which space a page belongs to.
  enum Space {
    /// A regular 256 KiB old-space page (src/heap/paged-spaces.h).
    case old
    /// One large object promoted to, or allocated in, the old generation (src/heap/large-spaces.h `LargeObjectSpace`).
    case large
    /// One large object allocated young (`NewLargeObjectSpace`): a scavenge promotes it whole if it survives.
    case newLarge
  }

  /// The start of the mapping; the page header comes first.
  let base: UnsafeMutableRawPointer
  /// The mapping's length: what the page adds to `heap_total`.
  let mappedBytes: UInt64
  var space: Space
  /// The order in which pages were mapped, so walks go oldest first whatever slot a page reuses.
  let sequence: UInt64
  /// The offset of the first byte never handed out.
  var top: UInt64 = HeapLayout.pageHeader
  /// Bytes of the objects still in the page (live or not yet collected).
  var liveBytes: UInt64 = 0
  /// How many objects are still in the page.
  var objects: Int = 0

  /// Bytes below `top` whose objects were collected: holes bump allocation never reuses.
  var deadBytes: UInt64 { top - HeapLayout.pageHeader - liveBytes }

  /// Calls `body` with every object of the page, collected fillers included, in address order.
  func forEachObject(_ body: (HeapObject) throws -> Void) rethrows {
    var offset = HeapLayout.pageHeader
    while offset < top {
      let object = HeapObject(address: base + Int(offset))
      let size = object.size
      try body(object)
      offset += size
    }
  }
}
