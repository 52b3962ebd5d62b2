import Glibc

/// The OOM killer's badness of a process, computed as mm/oom_kill.c does, against a cgroup limit.
///
/// Why /proc/PID/oom_score does not show this: fs/proc/base.c proc_oom_score runs the same
/// oom_badness() against totalram_pages() + total_swap_pages, the whole machine's RAM and swap even
/// inside a container, and rescales the result to (1000 + points * 1000 / totalpages) * 2 / 3. When a
/// memory cgroup hits its limit, the killer instead measures every candidate against the cgroup's
/// size (mem_cgroup_get_max: the limit plus the swap the cgroup may use, which is the limit alone once
/// oomlab has disabled swap for it). So a worker holding 90% of a 256 MiB limit on a 32 GiB machine
/// shows oom_score 667 while its badness against the limit is 900.
package enum OomBadness {
  /// The system page size, which oom_badness counts in.
  package static let systemPageSize = UInt64(sysconf(Int32(_SC_PAGESIZE)))

  /// The badness against a cgroup limit on oom_score_adj's per-mille scale:
  /// (rss + swap + page-table pages) * 1000 / limit pages + oom_score_adj; nil for oom_score_adj -1000.
  ///
  /// This is the ranking the killer uses inside the cgroup, expressed in the units users set
  /// oom_score_adj in. It differs from oom_badness()'s `points * 1000 / limit pages` by the kernel's integer division
  /// totalpages / 1000, which for a small limit shrinks the weight of oom_score_adj by up to a few percent.
  /// `limitBytes` should include any swap the cgroup may use.
  package static func cgroupScore(
    rssBytes: UInt64, swapBytes: UInt64, pageTableBytes: UInt64, oomScoreAdj: Int, limitBytes: UInt64,
    pageSize: UInt64 = systemPageSize
  ) -> Int? {
    let adj = min(max(oomScoreAdj, -1000), 1000)
    let limitPages = limitBytes / pageSize
    guard adj != -1000, limitPages > 0 else { return nil }
    let pages = rssBytes / pageSize + swapBytes / pageSize + pageTableBytes / pageSize
    return Int(pages * 1000 / limitPages) + adj
  }
}
