import COomlabShim

/// The allocator's own account of its memory, normalised across glibc and jemalloc.
package struct AllocatorStats: Equatable, Sendable {
  /// Bytes handed out to the program: jemalloc `stats.allocated`; glibc `uordblks + hblkhd`.
  package var allocated: UInt64
  /// Bytes in pages holding live allocations: jemalloc `stats.active`; glibc `arena + hblkhd` (all heap and mmapped chunk space).
  package var active: UInt64
  /// Bytes of allocator pages physically resident: jemalloc `stats.resident`; glibc its heaps' pages
  /// that mincore finds resident, plus `hblkhd` (nil when the heaps could not be told apart from other mappings).
  package var resident: UInt64?
  /// jemalloc `stats.retained` (virtual memory kept but unmapped); glibc `fordblks` (free bytes held in free chunks).
  package var retained: UInt64
  /// jemalloc `stats.metadata`; glibc: unknown.
  package var metadata: UInt64?
  /// Arenas made: jemalloc's initialized arenas; glibc the `<heap nr=` entries of `malloc_info`.
  package var arenas: UInt64?
  /// When the reading began, nanoseconds on CLOCK_MONOTONIC: the figures describe the heap no earlier than this.
  package var takenAt: UInt64 = 0

  /// Below this many bytes allocated, a ratio over allocated bytes says more about the allocator's fixed
  /// costs than about fragmentation; Redis's MEMORY DOCTOR declines to judge an instance under the same
  /// 5 MiB. scripts/plot.py's RATIO_FLOOR_BYTES is this value (a test compares them).
  package static let ratioFloorBytes: UInt64 = 5 << 20

  /// Reads the statistics of whichever allocator serves this process, or nil for an unknown one.
  package static func read() -> AllocatorStats? {
    let takenAt = Clock.now()
    if oomlab_jemalloc_present() != 0 {
      var je = oomlab_jemalloc_stats()
      guard oomlab_jemalloc_read_stats(&je) == 0 else { return nil }
      return AllocatorStats(
        allocated: je.allocated, active: je.active, resident: je.resident, retained: je.retained,
        metadata: je.metadata, arenas: je.arenas == UInt64.max ? nil : je.arenas, takenAt: takenAt)
    }
    guard AllocatorIdentity.current().isGlibc else { return nil }
    var mi = oomlab_glibc_stats()
    guard oomlab_glibc_read_stats(&mi) == 0 else { return nil }
    let heaps = GlibcHeaps.read()
    // Chunks above the mmap threshold are counted whole, as jemalloc counts its active pages: a maximum.
    return AllocatorStats(
      allocated: mi.in_use + mi.mmapped, active: mi.arena + mi.mmapped,
      resident: heaps?.resident.map { $0 + mi.mmapped }, retained: mi.free, metadata: nil, arenas: heaps?.arenas,
      takenAt: takenAt)
  }
}
