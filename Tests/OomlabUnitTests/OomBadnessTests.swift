import Glibc
import Testing

@testable import OomlabKit
import OomlabTestSupport

/// The OOM killer's badness against a cgroup limit, checked with hand-computed numbers.
struct OomBadnessTests {
  static let mib: UInt64 = 1 << 20

  @Test func scoreAgainstALimit() {
    // 100 MiB resident + 200 KiB page tables under 128 MiB: (25600 + 50) pages * 1000 / 32768 = 782.77 -> 782.
    #expect(
      OomBadness.cgroupScore(
        rssBytes: 100 * Self.mib, swapBytes: 0, pageTableBytes: 200 * 1024, oomScoreAdj: 0, limitBytes: 128 * Self.mib,
        pageSize: 4096) == 782)
    // Swap counts like resident memory: 64 + 32 MiB of 128 MiB is 750.
    #expect(
      OomBadness.cgroupScore(
        rssBytes: 64 * Self.mib, swapBytes: 32 * Self.mib, pageTableBytes: 0, oomScoreAdj: 0,
        limitBytes: 128 * Self.mib, pageSize: 4096) == 750)
  }

  @Test func adjustmentShiftsTheScoreAndIsNotClampedAtZero() {
    func score(_ adj: Int) -> Int? {
      OomBadness.cgroupScore(
        rssBytes: 100 * Self.mib, swapBytes: 0, pageTableBytes: 200 * 1024, oomScoreAdj: adj,
        limitBytes: 128 * Self.mib, pageSize: 4096)
    }
    #expect(score(500) == 1282)
    // Since Linux 5.9 oom_badness is signed: a protected process goes below zero and still ranks.
    #expect(score(-998) == -216)
    #expect(score(-999) == -217)
    // oom_score_adj is kept within -1000...1000, and -1000 means never chosen.
    #expect(score(5000) == 1782)
    #expect(score(-1000) == nil)
    #expect(score(-4000) == nil)
  }

  @Test func rawPointsAreInPagesWithTheAdjustmentScaledByTotalPagesOverAThousand() {
    // 25650 pages; adj -998 weighs -998 * (32768 / 1000 = 32) = -31936 pages.
    #expect(
      OomBadness.points(
        rssBytes: 100 * Self.mib, swapBytes: 0, pageTableBytes: 200 * 1024, oomScoreAdj: 0, totalPages: 32768,
        pageSize: 4096) == 25650)
    #expect(
      OomBadness.points(
        rssBytes: 100 * Self.mib, swapBytes: 0, pageTableBytes: 200 * 1024, oomScoreAdj: -998, totalPages: 32768,
        pageSize: 4096) == -6286)
    #expect(
      OomBadness.points(
        rssBytes: 1, swapBytes: 0, pageTableBytes: 0, oomScoreAdj: -1000, totalPages: 32768, pageSize: 4096) == nil)
  }

  @Test func procScoreIsScaledToTheWholeMachine() {
    // The same 100 MiB on a 16 GiB machine without swap: badness 25650 of 4194304 pages,
    // (1000 + 25650 * 1000 / 4194304) * 2 / 3 = (1000 + 6) * 2 / 3 = 670, while against 128 MiB it is 782.
    #expect(
      OomBadness.procScore(
        rssBytes: 100 * Self.mib, swapBytes: 0, pageTableBytes: 200 * 1024, oomScoreAdj: 0,
        totalRAMBytes: 16 << 30, totalSwapBytes: 0, pageSize: 4096) == 670)
    #expect(
      OomBadness.procScore(
        rssBytes: 100 * Self.mib, swapBytes: 0, pageTableBytes: 0, oomScoreAdj: -1000, totalRAMBytes: 16 << 30,
        totalSwapBytes: 0, pageSize: 4096) == 0)
  }

  @Test func procScoreMatchesTheKernelForThisProcess() throws {
    // The kernel's own figure for this process, from the same inputs it uses.
    let status = ProcStatus.parse(try FileIO.read("/proc/self/status"))
    let (ram, swap) = try machineRAMAndSwap()
    let adj = Int(try FileIO.read("/proc/self/oom_score_adj").split(separator: "\n").first ?? "0") ?? 0
    let computed = OomBadness.procScore(
      rssBytes: status.rss, swapBytes: status.swap, pageTableBytes: status.pte, oomScoreAdj: adj, totalRAMBytes: ram,
      totalSwapBytes: swap)
    let kernel = Int(CgroupValue.integer(try FileIO.read("/proc/self/oom_score")) ?? 0)
    #expect(abs(computed - kernel) <= 2, "computed \(computed), kernel \(kernel)")
  }

  @Test func theReadmesOomScoreFiguresAreTheKernelsFormula() throws {
    let readme = try String(contentsOf: repositoryRoot().appendingPathComponent("README.md"), encoding: .utf8)
      .replacingOccurrences(of: "\n", with: " ")
    func score(rss: UInt64, adj: Int) -> Int {
      OomBadness.procScore(
        rssBytes: rss, swapBytes: 0, pageTableBytes: 0, oomScoreAdj: adj, totalRAMBytes: 24 << 30, totalSwapBytes: 0,
        pageSize: 4096)
    }
    // An idle process: a few MiB of 24 GiB is 0 thousandths, (1000 + 0) * 2 / 3.
    #expect(score(rss: 4 * Self.mib, adj: 0) == 666)
    #expect(readme.contains("an idle process reads 666"))
    // 65,536 pages of 6,291,456: 10 thousandths, (1000 + 10) * 2 / 3 = 673.
    #expect(score(rss: 256 * Self.mib, adj: 0) == 673)
    #expect(readme.contains("on a 24 GiB machine reads 673"))
    #expect(score(rss: 256 * Self.mib, adj: 500) - score(rss: 256 * Self.mib, adj: 0) == 333)
    #expect(readme.contains("An oom_score_adj of 500 adds 333"))
  }
}
