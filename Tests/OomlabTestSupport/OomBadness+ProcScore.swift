import OomlabKit

// The kernel's /proc/PID/oom_score, recomputed: an oracle the tests check oomlab's readings against,
// which oomlab itself never needs (it reads the file).
extension OomBadness {
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
