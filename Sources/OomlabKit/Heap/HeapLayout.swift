/// V8's heap geometry and thresholds as Node 20 (V8 11.3, x64, no pointer compression) has them.
///
/// Each figure names the V8 source it comes from; where V8 computes one from others, so does
/// this. The page header was read off a running Node 20: `v8.getHeapSpaceStatistics()` gives a
/// 1 MiB new space 1,030,880 usable bytes (4 pages of 262,144 − 4,424) and puts a
/// 262,160-byte large object in a 270,336-byte page (4,424 + 262,160 rounded up to 4 KiB).
package enum HeapLayout {
  /// A regular page: `kPageSizeBits` = 18 in src/base/build_config.h.
  package static let pageSize: UInt64 = 256 << 10
  /// The page header before the first object: `MemoryChunkLayout::ObjectStartOffsetInDataPage()`
  /// (src/heap/memory-chunk-layout.cc): the `MemoryChunk` fields and the marking bitmap that
  /// V8 11 keeps in the header (one bit per 8-byte word of the page: 4,096 of the 4,424 bytes).
  package static let pageHeader: UInt64 = 4424
  /// The bytes of a regular page objects can use: `MemoryChunkLayout::AllocatableMemoryInDataPage()`.
  package static let pageArea: UInt64 = pageSize - pageHeader
  /// Larger objects go to a large-object space, each in a page of its own: `kMaxRegularHeapObjectSize`
  /// (src/common/globals.h), half a page.
  package static let maxRegularObjectSize: UInt64 = pageSize / 2
  /// Large pages are sized in commit pages: `MemoryAllocator::GetCommitPageSize()`, the OS page.
  package static let commitPageSize: UInt64 = 4096
  /// Object sizes are rounded up to this: `kObjectAlignment`, one tagged word.
  package static let alignment: UInt64 = 8
  /// The smallest object: one word, like V8's one-pointer filler; it holds oomlab's object header.
  package static let minimumObjectSize: UInt64 = 8
  /// An object with a native payload also holds the payload's address and size.
  package static let minimumPayloadObjectSize: UInt64 = 24

  /// A semi-space's first capacity: `kMinSemiSpaceSize`, 512 KiB × the pointer multiplier (2) (src/heap/heap.h).
  package static let initialSemiSpace: UInt64 = 1 << 20
  /// A semi-space's largest capacity: `DefaultMaxSemiSpaceSize()`, 8 MiB × the pointer multiplier.
  /// Node 20 reports `heap_size_limit` = max-old-space-size + 3 × this (two semi-spaces and a new
  /// large-object space of one semi-space: `Heap::YoungGenerationSizeFromSemiSpaceSize`).
  package static let maximumSemiSpace: UInt64 = 16 << 20
  /// A scavenge task is posted once new space is this full: `v8_flags.scavenge_task_trigger` = 80
  /// (src/heap/scavenge-job.cc `YoungGenerationTaskTriggerReached`); it runs when the program idles.
  package static let scavengeTaskTriggerPercent: UInt64 = 80
  /// Young array-buffer bytes past which a new backing store first scavenges:
  /// `Heap::AllocateExternalBackingStore` compares them with 2 × `DefaultMaxSemiSpaceSize()` (src/heap/heap.cc).
  package static let youngArrayBufferTrigger: UInt64 = 2 * maximumSemiSpace
  /// External growth allowed past what the last mark-compact left: `kExternalAllocationSoftLimit`
  /// (64 MB, include/v8-internal.h), checked by `Heap::ReportExternalMemoryPressure`.
  package static let externalAllowance: UInt64 = 64 << 20

  /// A full collection evacuates old pages whose free space is at least this share of the area:
  /// `kTargetFragmentationPercent` (src/heap/mark-compact.cc `ComputeEvacuationHeuristics`).
  package static let evacuationFreePercent: UInt64 = 70
  /// ...and moves at most this many live bytes doing so: `kMaxEvacuatedBytes`.
  package static let maximumEvacuatedBytes: UInt64 = 4 << 20

  /// The heap limit when none is given: V8's 64-bit default (Node derives its own from RAM).
  package static let defaultLimit: UInt64 = 4 << 30

  /// The mapping a large object of `size` bytes gets: header and object, rounded to commit pages
  /// (`MemoryAllocator::AllocateLargePage`, src/heap/memory-allocator.cc).
  package static func largePageSize(for size: UInt64) -> UInt64 {
    (pageHeader + size + commitPageSize - 1) / commitPageSize * commitPageSize
  }

  /// The bytes an object of `size` occupies, with or without a native payload.
  package static func objectSize(_ size: UInt64, payload: Bool) -> UInt64 {
    let floor = payload ? minimumPayloadObjectSize : minimumObjectSize
    return (max(size, floor) + alignment - 1) / alignment * alignment
  }

  /// The usable bytes of `pages` regular pages: what `PagedSpace::Capacity()` counts.
  package static func area(pages: UInt64) -> UInt64 { pages * pageArea }
}
