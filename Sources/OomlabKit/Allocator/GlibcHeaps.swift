import COomlabShim
import Glibc

/// glibc's heaps found among the process's mappings, so that the kernel can say which of their pages are resident.
///
/// mallinfo2's `arena` counts every byte of the heaps, pages returned with MADV_DONTNEED by
/// `malloc_trim` or a shrinking sub-heap included; only the page tables know which are still there.
enum GlibcHeaps {
  /// glibc's HEAP_MAX_SIZE on 64-bit: 2 × DEFAULT_MMAP_THRESHOLD_MAX (32 MiB). `new_heap` in
  /// malloc/arena.c reserves each sub-heap of a non-main arena as PROT_NONE aligned to it and makes
  /// its first bytes read-write as the heap grows (`mprotect_size`).
  static let heapMaxSize: UInt64 = 64 << 20

  /// The address ranges of the brk heap and every sub-heap, or nil when the mappings do not match
  /// what malloc_info says of them (a heap grew in between, or a mapping merged with a neighbour).
  ///
  /// The brk heap is the `[heap]` mapping (only malloc moves the program break). A sub-heap is an
  /// anonymous read-write mapping starting at a multiple of 64 MiB and either 64 MiB long or
  /// followed by the PROT_NONE rest of its reservation up to the next multiple; their count and
  /// lengths must equal malloc_info's `subheaps` and `mprotect` sums over the non-main arenas.
  static func ranges(_ mappings: [ProcMapping], _ info: MallocInfo) -> [Range<UInt64>]? {
    var ranges: [Range<UInt64>] = []
    if let main = info.main, main.mprotect > 0 {
      guard let brk = mappings.first(where: { $0.name == .brkHeap }) else { return nil }
      ranges.append(brk.start..<brk.end)
    }
    var subheaps: [Range<UInt64>] = []
    for (index, mapping) in mappings.enumerated()
    where mapping.name == .anonymous && mapping.readWrite && mapping.start % heapMaxSize == 0
      && mapping.length <= heapMaxSize
    {
      let boundary = mapping.start + heapMaxSize
      let rest = index + 1 < mappings.count ? mappings[index + 1] : nil
      let reserved =
        mapping.end == boundary
        || (rest.map { $0.start == mapping.end && $0.end == boundary && $0.name == .anonymous && !$0.readWrite } ?? false)
      if reserved { subheaps.append(mapping.start..<mapping.end) }
    }
    let expected = info.subheaps
    guard UInt64(subheaps.count) == expected.count, subheaps.reduce(0, { $0 + UInt64($1.count) }) == expected.bytes else {
      return nil
    }
    return ranges + subheaps
  }

  /// Reads malloc_info and this process's maps and returns the heaps' resident bytes and the arena
  /// count, retrying a few times when another thread grows a heap between the two readings.
  ///
  /// mincore rather than smaps' `Rss`: smaps walks every page table entry to fill a dozen figures,
  /// 18 ms for a 1 GiB heap against 0.4 ms for mincore, and the publisher backs off by ten times its cost.
  static func read() -> (resident: UInt64?, arenas: UInt64)? {
    var arenas: UInt64 = 0
    for _ in 0..<3 {
      guard let text = oomlab_glibc_malloc_info() else { return nil }
      let info = MallocInfo.parse(UnsafeRawBufferPointer(start: text, count: strlen(text)))
      free(text)
      arenas = UInt64(info.heaps.count)
      guard let mappings = withFile("/proc/self/maps", { ProcMapping.parseHeapCandidates($0, alignment: heapMaxSize) }) else { return (nil, arenas) }
      if let ranges = ranges(mappings, info) {
        return (residentBytes(ranges), arenas)
      }
    }
    return (nil, arenas)
  }

  /// The resident bytes of `ranges`, from mincore in slices of 64 MiB; nil when mincore fails
  /// (a range unmapped meanwhile).
  static func residentBytes(_ ranges: [Range<UInt64>]) -> UInt64? {
    let page = UInt64(sysconf(Int32(_SC_PAGESIZE)))
    let slicePages = Int(heapMaxSize / page)
    guard let vector = mmap(nil, slicePages, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0),
      vector != MAP_FAILED
    else { return nil }
    defer { munmap(vector, slicePages) }
    let bytes = vector.assumingMemoryBound(to: UInt8.self)
    var resident: UInt64 = 0
    for range in ranges {
      var start = range.lowerBound
      while start < range.upperBound {
        let length = min(range.upperBound - start, heapMaxSize)
        guard mincore(UnsafeMutableRawPointer(bitPattern: UInt(start)), Int(length), bytes) == 0 else { return nil }
        let pages = Int((length + page - 1) / page)
        for i in 0..<pages where bytes[i] & 1 != 0 { resident += page }
        start += length
      }
    }
    return resident
  }

  /// Reads all of a /proc file into a buffer of its own mapping and passes it to `body`.
  ///
  /// The kernel hands out maps a page or so per read, so it is read to the end. The buffer is
  /// mmap'ed, not malloc'ed: a large malloc'ed buffer would be an mmapped chunk whose free
  /// raises glibc's dynamic mmap threshold, changing the allocator under test.
  static func withFile<T>(_ path: String, _ body: (UnsafeRawBufferPointer) -> T) -> T? {
    let fd = open(path, O_RDONLY | O_CLOEXEC)
    guard fd >= 0 else { return nil }
    defer { close(fd) }
    var capacity = 256 << 10
    guard var buffer = mmap(nil, capacity, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0),
      buffer != MAP_FAILED
    else { return nil }
    defer { munmap(buffer, capacity) }
    var used = 0
    while true {
      if used == capacity {
        guard let bigger = mmap(nil, capacity * 2, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0),
          bigger != MAP_FAILED
        else { return nil }
        bigger.copyMemory(from: buffer, byteCount: used)
        munmap(buffer, capacity)
        buffer = bigger
        capacity *= 2
      }
      let n = SystemCall.retrying { Glibc.read(fd, buffer + used, capacity - used) }
      if n < 0 { return nil }
      if n == 0 { break }
      used += n
    }
    return body(UnsafeRawBufferPointer(start: buffer, count: used))
  }
}
