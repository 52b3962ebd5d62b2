import Glibc

/// V8's young generation for regular objects: two semi-spaces of 256 KiB pages, objects
/// bump-allocated into one (to-space) until it is full, then scavenged into the other
/// (src/heap/new-spaces.h `SemiSpaceNewSpace`).
///
/// Each semi-space reserves its largest capacity (16 MiB) at once and uses its first
/// `capacity` bytes; a page's header is written when the page is first committed, so its RSS
/// is what V8's is: headers, then whatever objects were written. The from-space is committed
/// by the first scavenge and stays so, which is why a busy Node process holds both semi-spaces.
final class NewSpace {
  /// One semi-space: its reservation, and the top of each page in use.
  private struct SemiSpace {
    let base: UnsafeMutableRawPointer
    /// Pages whose header has been written.
    var committedPages = 0
    /// The offset of each used page's first free byte.
    var tops: [UInt64] = []

    func page(_ index: Int) -> UnsafeMutableRawPointer { base + index * Int(HeapLayout.pageSize) }
  }

  private var to: SemiSpace
  private var from: SemiSpace
  /// The capacity of each semi-space in bytes: 1 MiB at first, doubled by `grow()` up to 16 MiB.
  private(set) var capacity: UInt64 = HeapLayout.initialSemiSpace
  /// Whether the from-space has been committed (by the first scavenge).
  private(set) var fromCommitted = false
  /// Bytes of the objects in to-space.
  private(set) var usedBytes: UInt64 = 0

  /// Reserves both semi-spaces and commits the to-space's first pages.
  init() throws {
    func reserve() throws -> UnsafeMutableRawPointer {
      let bytes = Int(HeapLayout.maximumSemiSpace)
      guard let base = mmap(nil, bytes, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0), base != MAP_FAILED
      else {
        throw WorkloadError.allocationFailed("mmap(\(bytes)) for a semi-space failed: \(ErrnoName.explain(errno))")
      }
      return base
    }
    to = SemiSpace(base: try reserve())
    from = SemiSpace(base: try reserve())
    Self.commit(&to, pages: pages)
  }

  deinit {
    munmap(to.base, Int(HeapLayout.maximumSemiSpace))
    munmap(from.base, Int(HeapLayout.maximumSemiSpace))
  }

  /// Pages per semi-space.
  var pages: Int { Int(capacity / HeapLayout.pageSize) }
  /// The bytes objects can use in one semi-space: V8's `NewSpace::Capacity()`.
  var usableCapacity: UInt64 { HeapLayout.area(pages: UInt64(pages)) }
  /// The bytes committed for both semi-spaces: new space's share of `heap_total`.
  var committedBytes: UInt64 { capacity * (fromCommitted ? 2 : 1) }
  /// Whether the scavenge task is due: new space is 80% full.
  var reachedTaskTrigger: Bool { usedBytes * 100 >= usableCapacity * HeapLayout.scavengeTaskTriggerPercent }

  /// Bump-allocates `bytes` in to-space, or returns nil when no page has room.
  func allocate(_ bytes: UInt64) -> UnsafeMutableRawPointer? {
    precondition(bytes <= HeapLayout.pageArea, "regular objects fit a page")
    if to.tops.isEmpty { to.tops.append(HeapLayout.pageHeader) }
    var index = to.tops.count - 1
    if to.tops[index] + bytes > HeapLayout.pageSize {
      guard index + 1 < pages else { return nil }
      to.tops.append(HeapLayout.pageHeader)
      index += 1
    }
    let address = to.page(index) + Int(to.tops[index])
    to.tops[index] += bytes
    usedBytes += bytes
    return address
  }

  /// Swaps the semi-spaces for a scavenge and calls `body` with every object of the old to-space.
  ///
  /// `body` copies the survivors into the new to-space (with `allocate`) or out of new space;
  /// whatever it leaves is gone once it returns.
  func scavenge(_ body: (HeapObject) throws -> Void) rethrows {
    if !fromCommitted {
      Self.commit(&from, pages: pages)
      fromCommitted = true
    }
    swap(&to, &from)
    to.tops = []
    usedBytes = 0
    try forEachObject(in: from, body)
    from.tops = []
  }

  /// Calls `body` with every object in to-space, in address order.
  func forEachObject(_ body: (HeapObject) throws -> Void) rethrows {
    try forEachObject(in: to, body)
  }

  /// Forgets every object in to-space: a full collection has moved the survivors out.
  func reset() {
    to.tops = []
    usedBytes = 0
  }

  /// Doubles the capacity, up to 16 MiB per semi-space, committing the new pages:
  /// `SemiSpaceNewSpace::Grow` with `v8_flags.semi_space_growth_factor` = 2.
  func grow() {
    guard capacity < HeapLayout.maximumSemiSpace else { return }
    capacity = min(capacity * 2, HeapLayout.maximumSemiSpace)
    Self.commit(&to, pages: pages)
    if fromCommitted { Self.commit(&from, pages: pages) }
  }

  private func forEachObject(in space: SemiSpace, _ body: (HeapObject) throws -> Void) rethrows {
    for (index, top) in space.tops.enumerated() {
      var offset = HeapLayout.pageHeader
      while offset < top {
        let object = HeapObject(address: space.page(index) + Int(offset))
        offset += object.size
        try body(object)
      }
    }
  }

  /// Writes the header of each page not yet committed, as `MemoryChunk::Initialize` does.
  private static func commit(_ space: inout SemiSpace, pages: Int) {
    while space.committedPages < pages {
      memset(space.page(space.committedPages), 0, Int(HeapLayout.pageHeader))
      space.committedPages += 1
    }
  }
}
