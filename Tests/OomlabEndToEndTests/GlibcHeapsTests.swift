import COomlabShim
import Glibc
import Testing

@testable import OomlabKit

@Suite struct GlibcHeapsTests {
  /// malloc_info of a glibc 2.36 process with a main arena and one thread arena (size lines cut).
  static let mallocInfo = """
    <malloc version="1">
    <heap nr="0">
    <sizes>
      <size from="1041" to="1041" total="4164" count="4"/>
    </sizes>
    <total type="fast" count="0" size="0"/>
    <total type="rest" count="1" size="10816"/>
    <system type="current" size="20815872"/>
    <system type="max" size="20815872"/>
    <aspace type="total" size="20815872"/>
    <aspace type="mprotect" size="20815872"/>
    </heap>
    <heap nr="1">
    <sizes>
      <unsorted from="657" to="657" total="657" count="1"/>
    </sizes>
    <total type="fast" count="0" size="0"/>
    <total type="rest" count="2" size="1329"/>
    <system type="current" size="20803584"/>
    <system type="max" size="20803584"/>
    <aspace type="total" size="20803584"/>
    <aspace type="mprotect" size="20803584"/>
    <aspace type="subheaps" size="1"/>
    </heap>
    <total type="fast" count="0" size="0"/>
    <total type="rest" count="3" size="12145"/>
    <total type="mmap" count="0" size="0"/>
    <system type="current" size="41619456"/>
    <system type="max" size="41619456"/>
    <aspace type="total" size="41619456"/>
    <aspace type="mprotect" size="41619456"/>
    </malloc>

    """

  /// The maps of the same process: the brk heap, the thread arena's sub-heap and the PROT_NONE rest
  /// of its reservation, a thread stack's guard and stack, and a library.
  static let maps = """
    558b79ba9000-558b7af83000 rw-p 00000000 00:00 0                          [heap]
    7f9858000000-7f98593d7000 rw-p 00000000 00:00 0 
    7f98593d7000-7f985c000000 ---p 00000000 00:00 0 
    7f985f396000-7f985f397000 ---p 00000000 00:00 0 
    7f985f397000-7f985fb97000 rw-p 00000000 00:00 0 
    7f985fec8000-7f985feee000 r--p 00000000 fe:00 333151                     /usr/lib/x86_64-linux-gnu/libc.so.6

    """

  @Test func mallocInfoGivesEachArenasSystemAndMprotectBytes() {
    let info = MallocInfo.parse(Self.mallocInfo)
    #expect(info.heaps.count == 2)
    #expect(info.main == MallocInfo.Heap(number: 0, systemCurrent: 20_815_872, mprotect: 20_815_872, subheaps: 0))
    #expect(info.subheaps.count == 1 && info.subheaps.bytes == 20_803_584)
  }

  @Test func mapsLinesCarryRangePermissionsAndName() {
    let mappings = ProcMapping.parse(Self.maps)
    #expect(mappings.count == 6)
    #expect(mappings[0].name == .brkHeap && mappings[0].readWrite)
    #expect(mappings[1].start == 0x7f98_5800_0000 && mappings[1].length == 20_803_584)
    #expect(mappings[1].name == .anonymous && mappings[1].readWrite)
    #expect(mappings[2].name == .anonymous && !mappings[2].readWrite)
    #expect(mappings[5].name == .other && !mappings[5].readWrite)
  }

  @Test func onlyTheLinesThatCanBeHeapsAreKept() {
    let mappings = ProcMapping.parse(Self.maps)
    // The brk heap, the aligned sub-heap and the reservation after it; not the stack, its guard or the library.
    var text = Self.maps
    let candidates = text.withUTF8 {
      ProcMapping.parseHeapCandidates(UnsafeRawBufferPointer($0), alignment: GlibcHeaps.heapMaxSize)
    }
    #expect(candidates == Array(mappings.prefix(3)))
    #expect(GlibcHeaps.ranges(candidates, MallocInfo.parse(Self.mallocInfo)) == GlibcHeaps.ranges(mappings, MallocInfo.parse(Self.mallocInfo)))
    // Thousands of unaligned mappings, as `pages` steps make, add nothing.
    var many = Self.maps
    for index in 1...5000 {
      let start: UInt64 = 0x7e00_0000_0000 + UInt64(index) * 0x3000
      many += "\(String(start, radix: 16))-\(String(start + 0x1000, radix: 16)) rw-p 00000000 00:00 0 \n"
    }
    let fewer = many.withUTF8 { ProcMapping.parseHeapCandidates(UnsafeRawBufferPointer($0), alignment: GlibcHeaps.heapMaxSize) }
    #expect(fewer == candidates)
  }

  @Test func theHeapsAreTheBrkHeapAndTheSubHeapsMallocInfoAccountsFor() {
    let ranges = GlibcHeaps.ranges(ProcMapping.parse(Self.maps), MallocInfo.parse(Self.mallocInfo))
    // The stack (not aligned, no reservation behind it) and the library are not malloc's.
    #expect(ranges == [0x558b_79ba_9000..<0x558b_7af8_3000, 0x7f98_5800_0000..<0x7f98_593d_7000])
  }

  @Test func mappingsThatDisagreeWithMallocInfoMakeTheReadingUnknown() {
    let info = MallocInfo.parse(Self.mallocInfo)
    // Another arena made a sub-heap between the two readings: malloc_info's sums do not include it.
    var more = ProcMapping.parse(Self.maps)
    more += [
      ProcMapping(start: 0x7f98_4000_0000, end: 0x7f98_4002_1000, readWrite: true, name: .anonymous),
      ProcMapping(start: 0x7f98_4002_1000, end: 0x7f98_4400_0000, readWrite: false, name: .anonymous),
    ]
    #expect(GlibcHeaps.ranges(more, info) == nil)
    // A sub-heap grew: its length is not malloc_info's mprotect_size.
    var grown = ProcMapping.parse(Self.maps)
    grown[1].end += 4096
    grown[2].start += 4096
    #expect(GlibcHeaps.ranges(grown, info) == nil)
    // An aligned anonymous mapping with no PROT_NONE rest behind it is not taken for a sub-heap.
    var unrelated = ProcMapping.parse(Self.maps)
    unrelated.append(ProcMapping(start: 0x7f99_0000_0000, end: 0x7f99_0004_0000, readWrite: true, name: .anonymous))
    #expect(GlibcHeaps.ranges(unrelated, info) != nil)
  }

  @Test func thisProcessHeapsAreFoundAndTheirResidentPagesCounted() throws {
    // This test process runs on glibc, with arenas of the test runner's threads. A block written now
    // is resident, and lies in the heap of this thread's arena.
    let block = try #require(malloc(4096))
    defer { free(block) }
    memset(block, 1, 4096)
    let address = UInt64(UInt(bitPattern: block))
    var ranges: [Range<UInt64>]?
    for _ in 0..<20 where ranges == nil {
      let mappings = try #require(GlibcHeaps.withFile("/proc/self/maps") { ProcMapping.parse($0) })
      ranges = GlibcHeaps.ranges(mappings, MallocInfo.parse(try #require(Self.mallocInfoText())))
    }
    let found = try #require(ranges, "no reading matched malloc_info in 20 tries")
    #expect(found.contains { $0.contains(address) }, "\(String(address, radix: 16)) in none of \(found)")
    let resident = try #require(GlibcHeaps.residentBytes(found))
    let length = found.reduce(0) { $0 + UInt64($1.count) }
    #expect(resident >= 4096 && resident <= length, "resident \(resident) of \(length)")
  }

  static func mallocInfoText() -> String? {
    guard let text = oomlab_glibc_malloc_info() else { return nil }
    defer { free(text) }
    return String(cString: text)
  }
}
