import COomlabShim

/// The allocator's own account of its memory, normalised across glibc and jemalloc.
///
/// glibc has no notion of resident or retained pages, so those stay nil rather than guessed.
package struct AllocatorStats: Equatable, Sendable {
  /// Bytes handed out to the program: jemalloc `stats.allocated`; glibc `uordblks + hblkhd`.
  package var allocated: UInt64
  /// Bytes in pages holding live allocations: jemalloc `stats.active`; glibc `arena + hblkhd` (all heap and mmapped chunk space).
  package var active: UInt64
  /// Bytes in physically resident allocator pages: jemalloc `stats.resident`; glibc: unknown.
  package var resident: UInt64?
  /// jemalloc `stats.retained` (virtual memory kept but unmapped); glibc `fordblks` (free bytes held in free chunks).
  package var retained: UInt64
  /// jemalloc `stats.metadata`; glibc: unknown.
  package var metadata: UInt64?
  /// Arenas: jemalloc `arenas.narenas`; glibc the `<heap nr=` entries of `malloc_info`.
  package var arenas: UInt64?

  /// Reads the statistics of whichever allocator serves this process, or nil for an unknown one.
  package static func read() -> AllocatorStats? {
    if oomlab_jemalloc_present() != 0 {
      var je = oomlab_jemalloc_stats()
      guard oomlab_jemalloc_read_stats(&je) == 0 else { return nil }
      return AllocatorStats(
        allocated: je.allocated, active: je.active, resident: je.resident, retained: je.retained,
        metadata: je.metadata, arenas: je.arenas)
    }
    guard AllocatorIdentity.current().isGlibc else { return nil }
    var mi = oomlab_glibc_stats()
    guard oomlab_glibc_read_stats(&mi) == 0 else { return nil }
    return AllocatorStats(
      allocated: mi.in_use + mi.mmapped, active: mi.arena + mi.mmapped, resident: nil, retained: mi.free,
      metadata: nil, arenas: mi.arenas)
  }
}
