import OomlabKit

// The kernel's oom_badness() and /proc/PID/oom_score, recomputed: oracles the tests check oomlab's readings
// against, which oomlab itself never needs (it reads the file).
extension OomBadness {
  /// oom_badness() itself: the pages the process holds (resident + swapped + page tables) plus
  /// oom_score_adj in thousandths of `totalPages`; nil for oom_score_adj -1000, which the kernel returns
  /// as LONG_MIN so the process is never chosen.
  ///
  /// The kernel picks the candidate with the most points. Since Linux 5.9 the value is signed and not
  /// clamped (a -998 process can go below zero); from 2.6.36 to 5.8 an eligible process got at least 1.
  package static func points(
    rssBytes: UInt64, swapBytes: UInt64, pageTableBytes: UInt64, oomScoreAdj: Int, totalPages: UInt64,
    pageSize: UInt64 = systemPageSize
  ) -> Int64? {
    // The kernel keeps oom_score_adj within OOM_SCORE_ADJ_MIN...OOM_SCORE_ADJ_MAX.
    let adj = Int64(min(max(oomScoreAdj, -1000), 1000))
    if adj == -1000 { return nil }
    let pages = Int64(rssBytes / pageSize + swapBytes / pageSize + pageTableBytes / pageSize)
    return pages + adj * Int64(totalPages / 1000)
  }

  /// What /proc/PID/oom_score shows: the badness against RAM + swap, rescaled to 0...1333 by
  /// (1000 + points * 1000 / totalpages) * 2 / 3, and 0 for oom_score_adj -1000.
  package static func procScore(
    rssBytes: UInt64, swapBytes: UInt64, pageTableBytes: UInt64, oomScoreAdj: Int, totalRAMBytes: UInt64,
    totalSwapBytes: UInt64, pageSize: UInt64 = OomBadness.systemPageSize
  ) -> Int {
    let totalPages = totalRAMBytes / pageSize + totalSwapBytes / pageSize
    guard totalPages > 0,
      let badness = points(
        rssBytes: rssBytes, swapBytes: swapBytes, pageTableBytes: pageTableBytes, oomScoreAdj: oomScoreAdj,
        totalPages: totalPages, pageSize: pageSize)
    else { return 0 }
    return Int((1000 + badness * 1000 / Int64(totalPages)) * 2 / 3)
  }
}
