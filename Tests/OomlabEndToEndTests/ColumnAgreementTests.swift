import Foundation
import Testing

@testable import OomlabKit
import OomlabTestSupport

/// Every CSV figure that no other test checks, held against a second, independent reading.
@Suite(.serialized)
struct ColumnAgreementTests {
  static let scenario = """
    name: columns
    sample: 20ms
    steps:
      - oom-score-adj: 100
      - pages: { size: 256MiB, touch: all, advise: nohugepage }
      - native: { count: 20000, size: 4KiB, as: blocks }
      - hold: 100ms
      - free: { what: blocks, fraction: 0.5, pattern: every-other }
      - hold: 600ms
    """

  @Test func kernelColumnsAgreeWithEachOtherAndWithWhatWasTouched() throws {
    let result = try OomlabProcess.run(Self.scenario)
    defer { result.cleanUp() }
    #expect(result.status == 0, "\(result.stderr)")
    let csv = try #require(result.csv)
    func col(_ name: String) -> [Double] { csv.column(name).map { Double($0) ?? .nan } }
    let rss = col("rss_bytes"), anon = col("rss_anon_bytes"), file = col("rss_file_bytes"), shmem = col("rss_shmem_bytes")
    let hwm = col("hwm_bytes")
    for i in rss.indices {
      // VmRSS is the sum of its parts in the same read (mm counters, one snapshot).
      #expect(abs(rss[i] - (anon[i] + file[i] + shmem[i])) <= 4096, "row \(i)")
      // The kernel's high-water mark never trails the current RSS.
      #expect(hwm[i] >= rss[i], "row \(i)")
    }
    let touched = 256 * MiB
    let pages = touched / 4096
    let first = 0, end = rss.count - 1
    // Each first write of a 4 KiB page (no huge pages here) is one minor fault.
    let faults = col("minor_faults")
    #expect(faults[end] - faults[first] >= 0.95 * pages, "minor faults +\(faults[end] - faults[first]) for \(pages) pages")
    // VmData counts the private writable mapping whether touched or not.
    let data = col("data_bytes")
    #expect(data[end] - data[first] >= touched)
    // One 8-byte entry per touched page: page tables grow by at least 512 KiB for 256 MiB.
    let pte = col("pte_bytes")
    #expect(pte[end] - pte[first] >= 0.9 * pages * 8, "VmPTE +\(pte[end] - pte[first])")
    // Private memory is not shared, so PSS follows RSS (PSS <= RSS; smaps_rollup is read every 500 ms at most).
    let pss = col("pss_bytes")
    #expect(pss[end] <= rss[end] + 4096)
    #expect(pss[end] - pss[first] >= 0.95 * (rss[end] - rss[first]), "PSS +\((pss[end] - pss[first]) / MiB) MiB")
    let (ram, swap) = try machineRAMAndSwap()
    // Without swap configured, nothing can be swapped out.
    if swap == 0 { #expect(col("swap_bytes").allSatisfy { $0 == 0 }) }
    // oom_score_adj shows what the step wrote, and oom_score is the kernel's machine-wide
    // badness: recompute it from the same row and /proc/meminfo.
    #expect(csv.last("oom_score_adj") == 100)
    let scores = col("oom_score"), adjs = col("oom_score_adj"), swaps = col("swap_bytes")
    for i in rss.indices {
      let computed = OomBadness.procScore(
        rssBytes: UInt64(rss[i]), swapBytes: UInt64(swaps[i]), pageTableBytes: UInt64(pte[i]), oomScoreAdj: Int(adjs[i]),
        totalRAMBytes: ram, totalSwapBytes: swap)
      #expect(abs(Double(computed) - scores[i]) <= 2, "row \(i): oom_score \(scores[i]), computed \(computed)")
    }
  }

  /// A `pages` region counts as reserved from the moment it is mapped, not once it has been touched.
  @Test func pagesAreReservedWhileTheyAreBeingTouched() throws {
    let result = try OomlabProcess.run(
      "name: filling\nsample: 10ms\nsteps:\n  - pages: { size: 512MiB, touch: all, advise: nohugepage }\n")
    defer { result.cleanUp() }
    #expect(result.status == 0, "\(result.stderr)")
    let csv = try #require(result.csv)
    let start = try #require(csv.first("vms_bytes"))
    let rows = csv.rows.indices.filter {
      csv.column("step")[$0] == "pages" && (Double(csv.column("pages_touched_bytes")[$0]) ?? 0) > 0
    }
    for row in rows {
      // The kernel's own reading: the mapping is in VmSize while the worker still touches it.
      #expect(Double(csv.column("vms_bytes")[row])! - start >= 512 * MiB)
      #expect(Double(csv.column("pages_reserved_bytes")[row]) == 512 * MiB, "row \(row)")
    }
  }

  @Test func glibcRetainedBytesHoldWhatWasFreed() throws {
    let result = try OomlabProcess.run(Self.scenario, arguments: ["--allocator", "glibc"])
    defer { result.cleanUp() }
    let csv = try #require(result.csv)
    let live = csv.numbers("native_live_bytes")
    let retained = csv.numbers("allocator_retained_bytes")
    let freed = try #require(live.max()) - (try #require(live.last))
    // Every other block freed: the chunks cannot coalesce into the top, so glibc keeps them as free bytes.
    #expect(freed > 30 * MiB)
    #expect(try #require(retained.last) - (try #require(retained.first)) >= 0.9 * freed)
    // The ratio columns are the quotients their definitions name.
    let allocated = csv.numbers("allocator_allocated_bytes"), resident = csv.numbers("allocator_resident_bytes")
    let frag = csv.numbers("frag_ratio")
    #expect(abs(try #require(frag.last) - resident.last! / allocated.last!) <= 0.0001)
    #expect(csv.column("allocator_rss_ratio").allSatisfy { $0.isEmpty }, "glibc's active bytes are all its heap space")
  }

  @Test(.enabled(if: jemallocPath != nil, "jemalloc is not installed (apt-get install libjemalloc-dev)"))
  func jemallocRatiosAreTheirDefinitions() throws {
    let result = try OomlabProcess.run(Self.scenario, arguments: ["--allocator", "jemalloc"])
    defer { result.cleanUp() }
    let csv = try #require(result.csv)
    let row = csv.rows.count - 1
    func value(_ name: String) throws -> Double { try #require(Double(csv.column(name)[row])) }
    let resident = try value("allocator_resident_bytes"), active = try value("allocator_active_bytes")
    let rss = try value("rss_bytes"), metadata = try value("allocator_metadata_bytes")
    #expect(abs(try value("allocator_rss_ratio") - resident / active) <= 0.0001)
    #expect(abs(try value("rss_overhead_ratio") - rss / resident) <= 0.0001)
    #expect(metadata > 0 && metadata < resident)
  }

  @Test(.enabled(if: cgroupUnavailable == nil, "\(cgroupUnavailable ?? "")"))
  func cgroupColumnsAgreeWithTheProcessView() throws {
    let result = try OomlabProcess.run(Self.scenario, arguments: ["--memory-limit", "512MiB"])
    defer { result.cleanUp() }
    #expect(result.status == 0, "\(result.stderr)")
    let csv = try #require(result.csv)
    let usage = csv.numbers("cgroup_usage_bytes"), peak = csv.numbers("cgroup_peak_bytes")
    for (u, p) in zip(usage, peak) { #expect(p >= u) }
    // The cgroup's anonymous charge and the process's RssAnon are separate counters of the same pages.
    let cgAnon = csv.numbers("cgroup_anon_bytes"), anon = csv.numbers("rss_anon_bytes")
    let cgGrowth = cgAnon.last! - cgAnon.first!, anonGrowth = anon.last! - anon.first!
    #expect(abs(cgGrowth - anonGrowth) <= 0.05 * anonGrowth, "memcg anon +\(cgGrowth / MiB), RssAnon +\(anonGrowth / MiB) MiB")
    #expect(try #require(csv.last("cgroup_file_bytes")) >= 0)
    // Page tables are charged to the cgroup as kernel memory (v2 pagetables; v1 kmem).
    let kernel = csv.numbers("cgroup_kernel_bytes"), pte = csv.numbers("pte_bytes")
    #expect(kernel.last! - kernel.first! >= 0.9 * (pte.last! - pte.first!))
    #expect(csv.last("oom_kill_events") == 0)
    let version = try CgroupLocator().locate().version
    #expect(csv.column("psi_some_avg10").allSatisfy { $0.isEmpty } == (version == .v1))
  }
}
