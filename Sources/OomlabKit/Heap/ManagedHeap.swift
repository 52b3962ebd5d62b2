import Glibc

/// A managed heap laid out and collected the way V8's is where RSS and the heap limit are concerned.
///
/// Objects are born young: regular ones (up to 128 KiB) in new space's semi-spaces, larger ones
/// each in a page of their own. A scavenge, when new space is full (or, at an idle moment, 80%
/// full), frees the dead young objects and their payloads, copies the others to the other
/// semi-space and promotes those that already survived one into old space: 256 KiB pages whose
/// first 4,424 bytes are the header, so three 64 KiB objects fill one. A full collection (at a
/// `gc` step, when the old generation passes its allocation limit, under external pressure, or
/// when a scavenge might not fit its promotions) promotes every live young object, frees the
/// dead old ones, unmaps empty pages, and evacuates pages at least 70% free.
///
/// The limit is V8's `max_old_generation_size`: it caps old-space pages' usable bytes plus large
/// objects (`Heap::OldGenerationCapacity`), not the live bytes, and finding it exceeded after a
/// full collection is Node's "Reached heap limit" (`Heap::CollectGarbage`, src/heap/heap.cc).
/// Modelled from src/heap/heap.cc, new-spaces.cc, paged-spaces.cc, large-spaces.cc,
/// scavenger.cc and mark-compact.cc; what it leaves out is said where it matters. Objects keep
/// their bookkeeping in their own first words (`HeapObject`), so the heap adds no malloc'ed
/// record per object. Not thread-safe: the worker runs steps on one thread.
package final class ManagedHeap {
  /// The heap limit when none is given: V8's default for 64-bit builds (Node derives its own from RAM).
  package static let defaultLimit = HeapLayout.defaultLimit
  /// The largest object or native payload one object may have.
  package static let maximumObjectSize: UInt64 = 1 << 30
  /// The byte objects are filled with, so their pages are resident.
  static let objectFill: Int32 = 0xA5
  /// The byte native payloads are filled with.
  static let payloadFill: Int32 = 0x4E

  /// The limit on the old generation's capacity.
  package let limit: UInt64
  /// The heap's figures, kept current by every operation.
  package private(set) var figures: HeapFigures
  /// When the heap runs a full collection on its own.
  package private(set) var trigger: CollectionTrigger
  /// Bytes of the old, large and new-large pages mapped.
  private var mappedPageBytes: UInt64 = 0
  /// A heap-out-of-memory that a collection outside an allocation met (a `buffers` step's
  /// external pressure); the worker throws it right after the buffer that caused it.
  package private(set) var pendingOutOfMemory: HeapOutOfMemory?

  /// New space, reserved and committed by the first regular object: until then the heap maps nothing.
  private var newSpace: NewSpace?
  /// Old, large and new-large pages by slot; a slot is nil once its page is unmapped, and reused.
  ///
  /// Mapped, not malloc'ed: at 56 bytes a page, a Swift array of a few thousand pages is an
  /// mmapped chunk whose free when it grows raises glibc's mmap threshold for the scenario's own blocks.
  private let pages = MappedArray<HeapPage?>()
  private let freeSlots = MappedArray<Int>()
  private var nextSequence: UInt64 = 0
  /// The old-space page promotions continue in.
  private var currentOld: Int?
  /// Bytes of objects in the old generation, old-space and large: `OldGenerationSizeOfObjects`.
  private var oldObjectBytes: UInt64 = 0
  /// Bytes of objects in new large-object pages.
  private var newLargeBytes: UInt64 = 0
  /// Payload bytes of young objects whose payload is an ArrayBuffer backing store.
  private var youngArrayBufferBytes: UInt64 = 0
  /// Bytes that survived scavenges since new space last grew (`survived_since_last_expansion_`).
  private var survivedSinceExpansion: UInt64 = 0
  /// New space passed 80%: V8 has posted a scavenge task, which runs when the program idles.
  private var scavengeTaskPosted = false

  /// Creates an empty heap; nothing is mapped until the first object.
  ///
  /// V8 commits new space when the isolate starts; oomlab waits for a scenario's first object, so
  /// that a run without objects shows no heap at all.
  package init(limit: UInt64 = ManagedHeap.defaultLimit) {
    self.limit = limit
    figures = HeapFigures(limitBytes: limit)
    trigger = CollectionTrigger(limit: limit)
  }

  deinit {
    forEachObject { if let payload = $0.payload { free(payload) } }
    for slot in pages.indices { if let page = pages[slot] { munmap(page.base, Int(page.mappedBytes)) } }
  }

  /// The old, large and new-large pages currently mapped (semi-space pages not included).
  package var pageCount: Int { pages.count - freeSlots.count }

  /// The semi-spaces' current capacity each.
  package var semiSpaceCapacity: UInt64 { newSpace?.capacity ?? HeapLayout.initialSemiSpace }

  /// The bytes objects can use in one semi-space, committed or not yet.
  private var semiSpaceArea: UInt64 {
    newSpace?.usableCapacity ?? HeapLayout.area(pages: HeapLayout.initialSemiSpace / HeapLayout.pageSize)
  }

  /// The bytes an object of `size` occupies in the heap, without a payload.
  package static func aligned(_ size: UInt64) -> UInt64 { HeapLayout.objectSize(size, payload: false) }

  /// Places one young object of `size` bytes, with a native payload of `payload` bytes if above zero.
  ///
  /// Collects first when V8 would (new space full, young array buffers or external memory past
  /// their limits), and throws `HeapOutOfMemory` when a full collection leaves the old
  /// generation past the limit.
  package func allocate(
    size: UInt64, garbage: Bool = false, payload: UInt64 = 0, kind: PayloadKind = .unreported, name: String? = nil
  ) throws {
    precondition(size <= Self.maximumObjectSize && payload <= Self.maximumObjectSize, "the parser bounds object sizes")
    if let pending = pendingOutOfMemory { throw pending }
    let bytes = HeapLayout.objectSize(size, payload: payload > 0)
    let reported = kind == .unreported ? 0 : payload
    // Heap::AllocateExternalBackingStore: enough young backing stores, and a scavenge may free some.
    if kind == .arrayBuffer && youngArrayBufferBytes >= HeapLayout.youngArrayBufferTrigger
      && youngArrayBufferBytes >= payload
    {
      try collectYoung(requesting: bytes)
    }
    // Checked before the object exists: in V8 a new object is reachable from the stack while its
    // own allocation collects, so it must not be collected with the garbage.
    if reported > 0 && trigger.externalPressure(figures.externalBytes + reported) {
      try collectFull(requesting: bytes)
    }
    var payloadAddress: UnsafeMutableRawPointer?
    if payload > 0 {
      guard let block = malloc(Int(payload)) else {
        throw WorkloadError.allocationFailed(
          "malloc(\(payload)) for a native payload returned NULL (\(ErrnoName.explain(errno)))")
      }
      memset(block, Self.payloadFill, Int(payload))
      payloadAddress = block
    }
    let address: UnsafeMutableRawPointer
    do {
      address = try placeYoung(bytes)
    } catch {
      free(payloadAddress)
      throw error
    }
    memset(address, Self.objectFill, Int(bytes))
    var flags: HeapObject.Flags = garbage ? [.garbage] : []
    if payload > 0 { flags.insert(.payload) }
    if kind != .unreported { flags.insert(.reported) }
    if kind == .arrayBuffer {
      flags.insert(.arrayBuffer)
      youngArrayBufferBytes += payload
    }
    _ = HeapObject.write(
      at: address, size: bytes, nameID: AllocationNames.shared.id(name), flags: flags, payload: payloadAddress,
      payloadSize: payload)
    figures.usedBytes += bytes
    figures.payloadBytes += payload
    figures.externalBytes += reported
    if !garbage { figures.liveObjects += 1 }
    if newSpace?.reachedTaskTrigger == true { scavengeTaskPosted = true }
    updateTotals()
  }

  /// Runs what V8 runs when the program waits: the scavenge task, if new space passed 80%.
  package func idle() throws {
    if let pending = pendingOutOfMemory { throw pending }
    guard scavengeTaskPosted else { return }
    try collectYoung(requesting: 0)
  }

  /// Runs a full collection, as `global.gc()` does.
  package func collect() throws {
    if let pending = pendingOutOfMemory { throw pending }
    try collectFull(requesting: 0)
  }

  /// Makes a share of the reachable objects garbage (drops the references to them); only a collection frees them.
  ///
  /// `name` limits the choice to objects of the step named so with `as:`; nil takes every object.
  /// Positions for `pattern` count in the heap's walking order: the old generation page by page
  /// in the order pages were mapped, then the young generation. That is allocation order except
  /// where promotion and compaction moved objects. Returns how many became garbage.
  @discardableResult
  package func makeGarbage(named name: String? = nil, fraction: Double, pattern: FreePattern, seed: UInt64) -> Int {
    let nameID = name.map { AllocationNames.shared.id($0) }
    let candidates = MappedArray<UInt>()
    forEachObject { object in
      let flags = object.flags
      if !flags.contains(.garbage) && !flags.contains(.collected) && (nameID == nil || object.nameID == nameID) {
        candidates.append(UInt(bitPattern: object.address))
      }
    }
    let count = Int((Double(candidates.count) * fraction).rounded())
    pattern.forEachSelected(count, of: candidates.count, seed: seed) { position in
      HeapObject(address: UnsafeMutableRawPointer(bitPattern: candidates[position])!).flags.insert(.garbage)
    }
    figures.liveObjects -= UInt64(count)
    return count
  }

  /// Records external memory allocated (positive) or released (negative) outside the heap, like
  /// V8's AdjustAmountOfExternalAllocatedMemory; growth past the external limit collects.
  package func adjustExternal(by delta: Int64) {
    figures.externalBytes = UInt64(max(0, Int64(figures.externalBytes) + delta))
    guard delta > 0, pendingOutOfMemory == nil, trigger.externalPressure(figures.externalBytes) else { return }
    do {
      try collectFull(requesting: 0)
    } catch let error as HeapOutOfMemory {
      pendingOutOfMemory = error
    } catch {
      preconditionFailure("a full collection throws only HeapOutOfMemory, got \(error)")
    }
  }

  // MARK: - Placing objects

  /// Finds room for a young object: new space for a regular one, a new large page for a large one.
  private func placeYoung(_ bytes: UInt64) throws -> UnsafeMutableRawPointer {
    if bytes > HeapLayout.maxRegularObjectSize {
      // NewLargeObjectSpace::AllocateRaw: the first young large object always fits; later ones
      // must fit new space's capacity and leave the old generation room to promote them.
      if newLargeBytes > 0
        && (newLargeBytes + bytes > semiSpaceArea || figures.oldCapacityBytes + newLargeBytes > limit)
      {
        try collectYoung(requesting: bytes)
      }
      let slot = try map(HeapLayout.largePageSize(for: bytes), space: .newLarge)
      newLargeBytes += bytes
      return claim(bytes, in: slot)
    }
    let space: NewSpace
    if let existing = newSpace {
      space = existing
    } else {
      space = try NewSpace()
      newSpace = space
    }
    // A scavenge copies survivors into to-space; a second one promotes them, so two always make room.
    for _ in 0..<2 {
      if let address = space.allocate(bytes) { return address }
      try collectYoung(requesting: bytes)
    }
    guard let address = space.allocate(bytes) else { preconditionFailure("two scavenges leave new space empty") }
    return address
  }

  /// Copies `object` into old space (a promotion or an evacuation) and returns its new place.
  ///
  /// Pages are added without checking the limit: V8 checks before a scavenge that its
  /// promotions fit (`CanPromoteYoungAndExpandOldGeneration`), and a full collection may pass
  /// the limit while it moves objects, which is then fatal.
  @discardableResult
  private func copyToOld(_ object: HeapObject) -> HeapObject {
    let bytes = object.size
    let slot: Int
    if let open = currentOld, pages[open]!.top + bytes <= HeapLayout.pageSize {
      slot = open
    } else {
      // The rest of a full page is left unused; V8 would give it to its free list for smaller objects.
      slot = mapOrDie(HeapLayout.pageSize, space: .old)
      currentOld = slot
    }
    let address = claim(bytes, in: slot)
    memcpy(address, object.address, Int(bytes))
    oldObjectBytes += bytes
    return HeapObject(address: address)
  }

  /// Hands out `bytes` at the top of the page in `slot`.
  private func claim(_ bytes: UInt64, in slot: Int) -> UnsafeMutableRawPointer {
    let address = pages[slot]!.base + Int(pages[slot]!.top)
    pages[slot]!.top += bytes
    pages[slot]!.liveBytes += bytes
    pages[slot]!.objects += 1
    return address
  }

  /// Maps a page of `bytes` for `space` and writes its header; its objects become resident as they are written.
  private func map(_ bytes: UInt64, space: HeapPage.Space) throws -> Int {
    guard let base = mmap(nil, Int(bytes), PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0), base != MAP_FAILED
    else {
      throw WorkloadError.allocationFailed("mmap(\(bytes)) for a heap page failed: \(ErrnoName.explain(errno))")
    }
    memset(base, 0, Int(HeapLayout.pageHeader))
    let page = HeapPage(base: base, mappedBytes: bytes, space: space, sequence: nextSequence)
    nextSequence += 1
    mappedPageBytes += bytes
    if space == .old { figures.oldCapacityBytes += HeapLayout.pageArea }
    let slot: Int
    if let free = freeSlots.popLast() {
      pages[free] = page
      slot = free
    } else {
      pages.append(page)
      slot = pages.count - 1
    }
    updateTotals()
    return slot
  }

  /// Maps an old-space page during a collection, where a failure cannot be handed back.
  private func mapOrDie(_ bytes: UInt64, space: HeapPage.Space) -> Int {
    do {
      return try map(bytes, space: space)
    } catch {
      // The kernel refused 256 KiB mid-collection: V8 dies of "Committing semi space failed" or
      // similar here too. The cgroup's OOM killer usually acts before mmap fails.
      fatalError("\(error)")
    }
  }

  /// Unmaps the page in `slot`.
  private func unmap(_ slot: Int) {
    let page = pages[slot]!
    munmap(page.base, Int(page.mappedBytes))
    mappedPageBytes -= page.mappedBytes
    if page.space == .old { figures.oldCapacityBytes -= HeapLayout.pageArea }
    pages[slot] = nil
    freeSlots.append(slot)
    if currentOld == slot { currentOld = nil }
  }

  // MARK: - Collections

  /// Runs the young-generation collection V8 would: a scavenge, or a full collection when the
  /// old generation might not take the scavenge's promotions ("scavenge might not succeed").
  private func collectYoung(requesting bytes: UInt64) throws {
    // Heap::CanPromoteYoungAndExpandOldGeneration, over-estimating with new space's capacity.
    if figures.oldCapacityBytes + semiSpaceArea + newLargeBytes > limit {
      try collectFull(requesting: bytes)
    } else {
      try scavenge(requesting: bytes)
    }
  }

  /// Scavenges the young generation (src/heap/scavenger.cc): dead objects and their payloads are
  /// freed, objects that survived one scavenge already are promoted, the others copied to the
  /// other semi-space; surviving large young objects are promoted whole.
  private func scavenge(requesting bytes: UInt64) throws {
    var survived: UInt64 = 0
    youngArrayBufferBytes = 0
    newSpace?.scavenge { object in
      let flags = object.flags
      if flags.contains(.garbage) {
        finalize(object)
      } else if flags.contains(.survived) {
        copyToOld(object).flags.remove(.survived)
        survived += object.size
      } else {
        // The survivors of one scavenge always fit the semi-space they came from.
        let address = newSpace!.allocate(object.size)!
        memcpy(address, object.address, Int(object.size))
        let copy = HeapObject(address: address)
        copy.flags.insert(.survived)
        if flags.contains(.arrayBuffer) { youngArrayBufferBytes += object.payloadSize }
        survived += object.size
      }
    }
    survived += sweepNewLargeObjects()
    // Heap::CheckNewSpaceExpansionCriteria: new space doubles once more has survived than it holds.
    survivedSinceExpansion += survived
    if let space = newSpace, survivedSinceExpansion > space.capacity && space.capacity < HeapLayout.maximumSemiSpace {
      space.grow()
      survivedSinceExpansion = 0
    }
    scavengeTaskPosted = false
    figures.scavenges += 1
    figures.collections += 1
    updateTotals()
    // After a scavenge V8 starts incremental marking once the old generation passes its limit.
    if trigger.shouldCollect(oldBytes: oldObjectBytes) { try collectFull(requesting: bytes) }
  }

  /// Frees dead large young objects and promotes live ones to the old generation; returns the bytes promoted.
  private func sweepNewLargeObjects() -> UInt64 {
    var promoted: UInt64 = 0
    for slot in pages.indices {
      guard let page = pages[slot], page.space == .newLarge else { continue }
      let object = HeapObject(address: page.base + Int(HeapLayout.pageHeader))
      if object.flags.contains(.garbage) {
        finalize(object)
        unmap(slot)
      } else {
        pages[slot]!.space = .large
        object.flags.remove(.survived)
        figures.oldCapacityBytes += object.size
        oldObjectBytes += object.size
        promoted += object.size
      }
    }
    newLargeBytes = 0
    return promoted
  }

  /// Runs a full mark-compact (src/heap/mark-compact.cc): every live young object is promoted
  /// (`v8_flags.always_promote_young_mc`), dead objects everywhere are freed with their payloads,
  /// empty pages unmapped, and pages at least 70% free evacuated. Throws when the old
  /// generation is left past the limit.
  private func collectFull(requesting bytes: UInt64) throws {
    let before = figures
    youngArrayBufferBytes = 0
    newSpace?.forEachObject { object in
      if object.flags.contains(.garbage) {
        finalize(object)
      } else {
        copyToOld(object).flags.remove(.survived)
      }
    }
    newSpace?.reset()
    _ = sweepNewLargeObjects()
    for slot in pages.indices {
      guard let page = pages[slot] else { continue }
      page.forEachObject { object in
        let flags = object.flags
        guard flags.contains(.garbage) && !flags.contains(.collected) else { return }
        finalize(object)
        oldObjectBytes -= object.size
        pages[slot]!.liveBytes -= object.size
        pages[slot]!.objects -= 1
        object.flags.insert(.collected)
        if page.space == .large { figures.oldCapacityBytes -= object.size }
      }
    }
    releaseEmptyPages()
    evacuateFragmentedPages()
    scavengeTaskPosted = false
    figures.collections += 1
    trigger.collected(oldBytes: oldObjectBytes, externalBytes: figures.externalBytes, newSpaceCapacity: semiSpaceArea)
    updateTotals()
    if figures.oldCapacityBytes > limit {
      throw HeapOutOfMemory(requestedBytes: bytes, beforeCollection: before, figures: figures)
    }
  }

  /// Frees a collected object's payload and takes its bytes off the figures.
  private func finalize(_ object: HeapObject) {
    let payloadSize = object.payloadSize
    if let payload = object.payload { free(payload) }
    let flags = object.flags
    figures.payloadBytes -= payloadSize
    if flags.contains(.reported) { figures.externalBytes -= min(figures.externalBytes, payloadSize) }
    figures.usedBytes -= object.size
  }

  /// Gives pages without objects back to the OS: the only point where the old generation's RSS falls.
  private func releaseEmptyPages() {
    for slot in pages.indices {
      guard let page = pages[slot], page.objects == 0, page.space != .newLarge else { continue }
      unmap(slot)
    }
  }

  /// Copies the live objects of fragmented old-space pages into fresh ones and unmaps them: V8's
  /// evacuation in a regular (not memory-reducing) full collection, which takes pages whose
  /// free space is at least 70% of the area, emptiest first, until 4 MiB of live bytes have moved
  /// (`MarkCompactCollector::ComputeEvacuationHeuristics`, src/heap/mark-compact.cc). A page
  /// half dead keeps its holes, as in Node, where heapTotal stays put after half of a heap
  /// of small objects is freed at random.
  private func evacuateFragmentedPages() {
    let threshold = HeapLayout.pageArea * HeapLayout.evacuationFreePercent / 100
    let candidates = pages.indices
      .filter { slot in pages[slot].map { $0.space == .old && HeapLayout.pageArea - $0.liveBytes >= threshold } ?? false }
      .sorted { pages[$0]!.liveBytes < pages[$1]!.liveBytes }
    var moved: UInt64 = 0
    var doomed: [Int] = []
    for slot in candidates where moved + pages[slot]!.liveBytes <= HeapLayout.maximumEvacuatedBytes {
      moved += pages[slot]!.liveBytes
      doomed.append(slot)
    }
    guard !doomed.isEmpty else { return }
    if let open = currentOld, doomed.contains(open) { currentOld = nil }
    for slot in doomed {
      pages[slot]!.forEachObject { object in
        guard !object.flags.contains(.collected) else { return }
        oldObjectBytes -= object.size
        copyToOld(object)
        pages[slot]!.liveBytes -= object.size
        pages[slot]!.objects -= 1
      }
    }
    releaseEmptyPages()
  }

  // MARK: - Walking and figures

  /// Calls `body` with every object not yet collected: the old generation page by page in the
  /// order pages were mapped, then new space.
  private func forEachObject(_ body: (HeapObject) -> Void) {
    let order = pages.indices.filter { pages[$0] != nil }.sorted { pages[$0]!.sequence < pages[$1]!.sequence }
    for slot in order {
      pages[slot]!.forEachObject { object in if !object.flags.contains(.collected) { body(object) } }
    }
    newSpace?.forEachObject(body)
  }

  /// Recomputes what the heap has committed.
  private func updateTotals() {
    figures.totalBytes = mappedPageBytes + (newSpace?.committedBytes ?? 0)
  }
}
