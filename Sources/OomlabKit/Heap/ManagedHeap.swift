import Glibc

/// A managed heap that behaves like V8's where RSS is concerned: chunks committed with mmap,
/// objects bump-allocated and written, collection only under pressure or on request, native
/// payloads freed only by collection, and a hard limit on what survives.
///
/// It has one generation, and every collection is a full mark-sweep-compact: marking finds every
/// object not made garbage, sweeping frees the rest and their payloads (the finalizers),
/// chunks left empty are unmapped, and chunks at least half dead space are evacuated into fresh
/// ones so they can be unmapped too. Holes in the chunks that remain are not reused.
/// Not thread-safe: the worker runs steps on one thread.
public final class ManagedHeap {
  /// The heap limit when none is given: V8's default for 64-bit builds (Node derives its own from RAM).
  public static let defaultLimit: UInt64 = 4 << 30
  /// The size of a regular chunk: V8's page size.
  public static let defaultChunkSize: UInt64 = 256 << 10
  /// Object sizes are rounded up to this, like V8's word-aligned objects.
  public static let alignment: UInt64 = 8
  /// The largest object or native payload one object may have.
  public static let maximumObjectSize: UInt64 = 1 << 30
  /// The byte regular objects are filled with, so their pages are resident.
  static let objectFill: Int32 = 0xA5
  /// The byte native payloads are filled with.
  static let payloadFill: Int32 = 0x4E

  /// The ceiling on heap bytes after a full collection.
  public let limit: UInt64
  /// The size of a regular chunk; objects above half of it get a chunk of their own.
  public let chunkSize: UInt64
  /// The heap's figures, kept current by every operation.
  public private(set) var figures: HeapFigures
  /// When the heap collects on its own.
  public private(set) var trigger: CollectionTrigger
  private let pageSize = UInt64(sysconf(Int32(_SC_PAGESIZE)))
  /// Chunks by slot; a slot is nil once its chunk is unmapped, and reused by the next chunk.
  private var chunks: [HeapChunk?] = []
  private var freeSlots: [UInt32] = []
  /// The regular chunk bump allocation continues in.
  private var current: UInt32?
  /// Every object not yet collected, oldest first.
  private var objects: [HeapObject] = []

  /// Creates an empty heap; nothing is mapped until the first object.
  public init(limit: UInt64 = ManagedHeap.defaultLimit, chunkSize: UInt64 = ManagedHeap.defaultChunkSize) {
    self.limit = limit
    self.chunkSize = chunkSize
    figures = HeapFigures(limitBytes: limit)
    trigger = CollectionTrigger(limit: limit)
  }

  deinit {
    for object in objects { free(object.payload) }
    for chunk in chunks.compactMap({ $0 }) { munmap(chunk.base, Int(chunk.capacity)) }
  }

  /// The chunks currently mapped.
  public var chunkCount: Int { chunks.count - freeSlots.count }

  /// The bytes an object of `size` occupies in the heap.
  public static func aligned(_ size: UInt64) -> UInt64 {
    (max(size, alignment) + alignment - 1) / alignment * alignment
  }

  /// Places one object of `size` bytes, with a native payload of `payload` bytes if above zero.
  ///
  /// Collects first when the object would pass a collection threshold, and throws
  /// `HeapOutOfMemory` when even after that collection it would take the heap past its limit.
  public func allocate(size: UInt64, garbage: Bool = false, payload: UInt64 = 0, external: Bool = false, name: String? = nil)
    throws
  {
    precondition(size <= Self.maximumObjectSize && payload <= Self.maximumObjectSize, "the parser bounds object sizes")
    let bytes = Self.aligned(size)
    let reported = external ? payload : 0
    // Thresholds are checked before the object exists: in V8 a new object is reachable from the
    // stack while its own allocation collects, so it must not be collected with the garbage.
    if trigger.shouldCollect(usedBytes: figures.usedBytes + bytes, externalBytes: figures.externalBytes + reported) {
      let before = figures
      collect()
      // The threshold never exceeds the limit, so an object past the limit always collects first.
      if figures.usedBytes + bytes > limit {
        throw HeapOutOfMemory(requestedBytes: bytes, beforeCollection: before, figures: figures)
      }
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
    let slot: UInt32
    let offset: UInt64
    do {
      (slot, offset) = try place(bytes)
    } catch {
      free(payloadAddress)
      throw error
    }
    memset(chunks[Int(slot)]!.base + Int(offset), Self.objectFill, Int(bytes))
    objects.append(
      HeapObject(
        payload: payloadAddress, chunk: slot, offset: UInt32(offset), size: UInt32(bytes), payloadSize: UInt32(payload),
        nameID: AllocationNames.shared.id(name), isGarbage: garbage, isExternal: external))
    figures.usedBytes += bytes
    figures.payloadBytes += payload
    figures.externalBytes += reported
    if !garbage { figures.liveObjects += 1 }
  }

  /// Runs a full collection: frees garbage and its payloads, unmaps empty chunks, compacts fragmented ones.
  public func collect() {
    var kept = 0
    for index in objects.indices {
      let object = objects[index]
      if object.isGarbage {
        finalize(object)
      } else {
        objects[kept] = object
        kept += 1
      }
    }
    objects.removeSubrange(kept...)
    releaseEmptyChunks()
    evacuateFragmentedChunks()
    figures.collections += 1
    trigger.collected(usedBytes: figures.usedBytes, externalBytes: figures.externalBytes)
  }

  /// Makes a share of the reachable objects garbage (drops the references to them); only a collection frees them.
  ///
  /// `name` limits the choice to objects of the step named so with `as:`; nil takes every object.
  /// Positions for `pattern` count from the oldest object. Returns how many became garbage.
  @discardableResult
  public func makeGarbage(named name: String? = nil, fraction: Double, pattern: FreePattern, seed: UInt64) -> Int {
    let nameID = name.map { AllocationNames.shared.id($0) }
    let candidates = objects.indices.filter { !objects[$0].isGarbage && (nameID == nil || objects[$0].nameID == nameID) }
    let count = Int((Double(candidates.count) * fraction).rounded())
    let chosen = pattern.select(count, of: candidates.count, seed: seed)
    for position in chosen { objects[candidates[position]].isGarbage = true }
    figures.liveObjects -= UInt64(chosen.count)
    return chosen.count
  }

  /// Records external memory allocated (positive) or released (negative) outside the heap, like
  /// V8's AdjustAmountOfExternalAllocatedMemory; growth past the external threshold collects.
  public func adjustExternal(by delta: Int64) {
    figures.externalBytes = UInt64(max(0, Int64(figures.externalBytes) + delta))
    if delta > 0 && trigger.shouldCollect(usedBytes: figures.usedBytes, externalBytes: figures.externalBytes) {
      collect()
    }
  }

  /// Frees a collected object's payload and takes its bytes off its chunk.
  private func finalize(_ object: HeapObject) {
    free(object.payload)
    figures.payloadBytes -= UInt64(object.payloadSize)
    if object.isExternal { figures.externalBytes -= UInt64(object.payloadSize) }
    figures.usedBytes -= UInt64(object.size)
    chunks[Int(object.chunk)]!.usedBytes -= UInt64(object.size)
    chunks[Int(object.chunk)]!.objects -= 1
  }

  /// Finds room for `bytes`: a chunk of its own for a large object, else the current chunk or a new one.
  private func place(_ bytes: UInt64) throws -> (slot: UInt32, offset: UInt64) {
    let slot: UInt32
    if bytes > chunkSize / 2 {
      slot = try map((bytes + pageSize - 1) / pageSize * pageSize, large: true)
    } else if let open = current, chunks[Int(open)]!.capacity - chunks[Int(open)]!.top >= bytes {
      slot = open
    } else {
      slot = try map(chunkSize, large: false)
      current = slot
    }
    let offset = chunks[Int(slot)]!.top
    chunks[Int(slot)]!.top += bytes
    chunks[Int(slot)]!.usedBytes += bytes
    chunks[Int(slot)]!.objects += 1
    return (slot, offset)
  }

  /// Commits a new chunk of `capacity` bytes; its pages become resident only as objects are written.
  private func map(_ capacity: UInt64, large: Bool) throws -> UInt32 {
    guard let base = mmap(nil, Int(capacity), PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0),
      base != MAP_FAILED
    else {
      throw WorkloadError.allocationFailed(
        "mmap(\(capacity)) for a heap chunk failed: \(ErrnoName.explain(errno))")
    }
    let chunk = HeapChunk(base: base, capacity: capacity, isLarge: large)
    figures.totalBytes += capacity
    if let slot = freeSlots.popLast() {
      chunks[Int(slot)] = chunk
      return slot
    }
    chunks.append(chunk)
    return UInt32(chunks.count - 1)
  }

  /// Gives chunks without objects back to the OS: the only point where the heap's RSS falls.
  private func releaseEmptyChunks() {
    for slot in chunks.indices {
      guard let chunk = chunks[slot], chunk.objects == 0 else { continue }
      munmap(chunk.base, Int(chunk.capacity))
      figures.totalBytes -= chunk.capacity
      chunks[slot] = nil
      freeSlots.append(UInt32(slot))
      if current == UInt32(slot) { current = nil }
    }
  }

  /// Copies the objects of regular chunks that are at least half dead space into fresh chunks,
  /// so the old ones can be unmapped: V8's compaction of fragmented pages.
  private func evacuateFragmentedChunks() {
    let doomed = chunks.map { chunk in chunk.map { !$0.isLarge && $0.deadBytes * 2 >= $0.capacity } ?? false }
    guard doomed.contains(true) else { return }
    if let open = current, doomed[Int(open)] { current = nil }
    for index in objects.indices where doomed[Int(objects[index].chunk)] {
      let object = objects[index]
      // Without room for the copy the object stays where it is; compaction is an optimisation.
      guard let (slot, offset) = try? place(UInt64(object.size)) else { break }
      memcpy(chunks[Int(slot)]!.base + Int(offset), chunks[Int(object.chunk)]!.base + Int(object.offset), Int(object.size))
      chunks[Int(object.chunk)]!.usedBytes -= UInt64(object.size)
      chunks[Int(object.chunk)]!.objects -= 1
      objects[index].chunk = slot
      objects[index].offset = UInt32(offset)
    }
    releaseEmptyChunks()
  }
}
