import Foundation
import Glibc
import Testing

@testable import OomlabKit
import OomlabTestSupport

/// End-to-end runs of `oomlab run` through the built binary, checked against independent expectations.
///
/// Serialized: each test measures one worker's RSS, and the machine has two cores.
@Suite(.serialized)
struct RunCommandTests {
  @Test func untouchedPagesGrowVirtualMemoryNotRSS() throws {
    let result = try OomlabProcess.run(
      """
      name: pages-untouched
      sample: 20ms
      steps:
        - pages: { size: 1GiB }
        - hold: 100ms
      """)
    defer { result.cleanUp() }
    #expect(result.status == 0, "\(result.stderr)")
    let csv = try #require(result.csv)
    let vmsGrowth = try #require(csv.max("vms_bytes")) - (try #require(csv.first("vms_bytes")))
    let rssGrowth = try #require(csv.max("rss_bytes")) - (try #require(csv.first("rss_bytes")))
    #expect(vmsGrowth >= 1024 * MiB)
    #expect(rssGrowth < 16 * MiB)
    #expect(csv.last("pages_reserved_bytes") == 1024 * MiB)
  }

  @Test func touchingHalfTheRegionMakesHalfResident() throws {
    let result = try OomlabProcess.run(
      """
      name: pages-half
      sample: 50ms
      steps:
        - pages: { size: 1GiB, touch: 0.5 }
      """)
    defer { result.cleanUp() }
    #expect(result.status == 0, "\(result.stderr)")
    let csv = try #require(result.csv)
    let growth = try #require(csv.value("rss_bytes", atStep: "end").last) - (try #require(csv.first("rss_bytes")))
    // 5% tolerance: page tables and the sampler's own pages add a few MiB.
    #expect(abs(growth - 512 * MiB) <= 0.05 * 512 * MiB, "RSS grew \(growth / MiB) MiB")
    let touched = try #require(csv.last("pages_touched_bytes"))
    #expect(abs(touched - 512 * MiB) <= 4096)
  }

  @Test func buffersCountTheSameWhetherTouchedOrNot() throws {
    func run(_ touch: String) throws -> (rss: Double, live: Double) {
      let result = try OomlabProcess.run(
        """
        name: buffers-\(touch)
        sample: 20ms
        steps:
          - buffers: { count: 20, size: 10MiB, touch: \(touch) }
        """)
      defer { result.cleanUp() }
      #expect(result.status == 0, "\(result.stderr)")
      let csv = try #require(result.csv)
      let end = try #require(csv.value("rss_bytes", atStep: "end").last)
      return (end - (try #require(csv.first("rss_bytes"))), try #require(csv.last("buffers_live_bytes")))
    }
    let untouched = try run("none")
    let touched = try run("all")
    #expect(untouched.live == 200 * MiB)
    #expect(touched.live == 200 * MiB)
    let difference = touched.rss - untouched.rss
    #expect(abs(difference - 200 * MiB) <= 10 * MiB, "touched minus untouched RSS: \(difference / MiB) MiB")
  }

  @Test func threadStacksAreReservedNotResident() throws {
    let result = try OomlabProcess.run(
      """
      name: threads
      sample: 20ms
      steps:
        - threads: { count: 100, stack: 8MiB, touch: 64KiB }
        - hold: 100ms
      """)
    defer { result.cleanUp() }
    #expect(result.status == 0, "\(result.stderr)")
    let csv = try #require(result.csv)
    #expect(try #require(csv.max("threads")) >= 101)
    let vmsGrowth = try #require(csv.max("vms_bytes")) - (try #require(csv.first("vms_bytes")))
    let rssGrowth = try #require(csv.max("rss_bytes")) - (try #require(csv.first("rss_bytes")))
    #expect(vmsGrowth >= 800 * MiB)
    #expect(rssGrowth < 40 * MiB, "RSS grew \(rssGrowth / MiB) MiB")
    // 100 threads x 64 KiB = 6.25 MiB must really be resident. Before Linux 6.2 VmRSS counts each
    // thread's faults in a per-thread cache flushed every 64 faults, so it can lag by 64 pages a
    // thread; Pss_Anon, from smaps_rollup's walk of the page tables (forced in the end row), does not.
    // (Pss itself is no oracle here: its share of the shared libraries falls as other tests start
    // processes that map them, by more than a MiB in the loaded VM lane.)
    let anonGrowth = try #require(csv.last("pss_anon_bytes")) - (try #require(csv.first("pss_anon_bytes")))
    #expect(anonGrowth >= 6.25 * MiB, "Pss_Anon grew \(anonGrowth / MiB) MiB")
    #expect(anonGrowth < 40 * MiB, "Pss_Anon grew \(anonGrowth / MiB) MiB")
    #expect(csv.max("stacks_reserved_bytes") == 800 * MiB)
  }

  @Test func glibcKeepsFragmentedNativeMemory() throws {
    let result = try OomlabProcess.run(
      """
      name: native-fragmentation
      sample: 50ms
      allocator: glibc
      steps:
        - native: { count: 200000, size: 1KiB, as: small }
        - hold: 100ms
        - free: { what: small, fraction: 0.9, pattern: random, seed: 7 }
        - hold: 200ms
      """)
    defer { result.cleanUp() }
    #expect(result.status == 0, "\(result.stderr)")
    let csv = try #require(result.csv)
    let peak = try #require(csv.max("rss_bytes"))
    let end = try #require(csv.value("rss_bytes", atStep: "end").last)
    #expect(end >= 0.8 * peak, "RSS fell from \(peak / MiB) to \(end / MiB) MiB")
    let live = try #require(csv.last("native_live_bytes"))
    #expect(abs(live - 20_000 * 1024) <= 1024)
    // 195 MiB of blocks were really written: the peak RSS shows them (headers add ~1.6%).
    #expect(peak - (try #require(csv.first("rss_bytes"))) >= 195 * MiB)
  }

  @Test(.enabled(if: TransparentHugePages.mode != "never", "THP is set to never on this machine"))
  func sparseTouchesFaultInHugePages() throws {
    let result = try OomlabProcess.run(
      """
      name: thp-sparse
      sample: 20ms
      steps:
        - pages: { size: 256MiB, pattern: sparse 2MiB, advise: hugepage }
        - hold: 300ms
      """)
    defer { result.cleanUp() }
    #expect(result.status == 0, "\(result.stderr)")
    let csv = try #require(result.csv)
    #expect(try #require(csv.max("anon_huge_bytes")) >= 200 * MiB)
    #expect(try #require(csv.max("pages_touched_bytes")) < 1 * MiB)
  }

  @Test func aLeakRisesSteadily() throws {
    let result = try OomlabProcess.run(
      """
      name: leak
      sample: 50ms
      steps:
        - leak: { rate: 20MiB/s, block: 1MiB, for: 2s }
      """)
    defer { result.cleanUp() }
    #expect(result.status == 0, "\(result.stderr)")
    let csv = try #require(result.csv)
    let live = csv.numbers("native_live_bytes")
    let final = try #require(live.last)
    // A rate every machine keeps up with, emulated ones included (a TCG guest under load has fallen to
    // 44 MiB/s of touched blocks): the leak is paced by the clock, so a slower worker leaks less.
    #expect(abs(final - 40 * MiB) <= 4 * MiB, "leaked \(final / MiB) MiB")
    var rises = 0
    for (a, b) in zip(live, live.dropFirst()) where b > a { rises += 1 }
    #expect(rises >= 10, "native_live_bytes rose across \(rises) rows")
  }

  @Test func allocationFailureIsReportedNotCrashed() throws {
    let result = try OomlabProcess.run(
      """
      name: enomem
      expect: alloc-failure
      steps:
        - native: { count: 1, size: 1TiB }
      """)
    defer { result.cleanUp() }
    #expect(result.status == 0, "\(result.stdout)\(result.stderr)")
    #expect(result.outcome == .allocFailure)
    #expect(result.firstProcess?.message?.contains("malloc(1099511627776)") == true)
  }

  @Test func anUnexpectedOutcomeExitsWithOne() throws {
    let result = try OomlabProcess.run(
      """
      name: mismatch
      expect: oom-kill
      steps:
        - hold: 10ms
      """)
    defer { result.cleanUp() }
    #expect(result.status == 1)
    #expect(result.outcome == .completed)
    #expect(result.stderr.contains("MISMATCH"))
  }

  @Test func aKilledWorkerLeavesACompleteCSV() throws {
    let result = try OomlabProcess.run(
      """
      name: killed
      sample: 10ms
      steps:
        - leak: { rate: 50MiB/s, block: 64KiB, for: 30s }
      """,
      whileRunning: { _, csv in
        // Once it has leaked over 12 MiB across 20 rows, SIGKILL the worker behind the supervisor's
        // back. Both, since under emulation (the VM lane) a worker can leak faster than it is sampled.
        guard let worker = CSVTable.waitForRow(in: csv, step: "leak") else { return }
        Poll.until {
          let table = CSVTable(contentsOf: csv)
          return (table.last("native_live_bytes") ?? 0) > 12 * MiB && table.rows.count >= 20
        }
        kill(worker, SIGKILL)
      })
    defer { result.cleanUp() }
    #expect(result.status == 1)
    #expect(result.outcome == .signalled(SIGKILL))
    let table = try #require(result.csv)
    #expect(table.malformed.isEmpty)
    #expect(table.endsWithNewline)
    #expect(table.rows.count >= 5)
    #expect(try #require(table.last("native_live_bytes")) > 10 * MiB)
  }

  @Test func badScenarioExitsWithTwoAndWritesNothing() throws {
    let result = try OomlabProcess.run(
      """
      name: bad
      steps:
        - buffers: { count: 3, size: -5MiB }
      """)
    defer { result.cleanUp() }
    #expect(result.status == 2)
    #expect(result.stderr.contains("scenario.yaml:3:32: steps[0].buffers.size"), "\(result.stderr)")
    #expect(result.stderr.contains("\"-5MiB\""))
    #expect(!FileManager.default.fileExists(atPath: result.directory.appendingPathComponent("out.csv").path))
    #expect(!FileManager.default.fileExists(atPath: result.directory.appendingPathComponent("summary.json").path))
  }

  @Test func anUnwritableSummaryIsRefusedBeforeTheRun() throws {
    let directory = try OomlabProcess.temporaryDirectory()
    defer { try? FileManager.default.removeItem(at: directory) }
    let scenario = directory.appendingPathComponent("s.yaml")
    try "name: s\nsteps:\n  - hold: 10ms\n".write(to: scenario, atomically: true, encoding: .utf8)
    let csv = directory.appendingPathComponent("out.csv")
    let result = try OomlabProcess.invoke(
      ["run", scenario.path, "--csv", csv.path, "--summary", "/nonexistent-oomlab/s.json"], directory: directory)
    #expect(result.status == 2)
    #expect(result.stderr.contains("--summary \"/nonexistent-oomlab/s.json\""), "\(result.stderr)")
    #expect(!FileManager.default.fileExists(atPath: csv.path))
  }

  /// The README's column table is what `oomlab columns` prints, byte for byte (regenerate it with that command).
  @Test func theReadmeColumnTableIsWhatColumnsPrints() throws {
    let result = try OomlabProcess.invoke(["columns"], directory: try OomlabProcess.temporaryDirectory())
    defer { result.cleanUp() }
    let readme = try String(contentsOf: repositoryRoot().appendingPathComponent("README.md"), encoding: .utf8)
    let lines = readme.split(separator: "\n", omittingEmptySubsequences: false)
    let start = try #require(lines.firstIndex(of: "| column | unit | source | meaning |"), "README has no column table")
    let table = lines[start...].prefix { $0.hasPrefix("|") }.joined(separator: "\n") + "\n"
    #expect(result.stdout.split(separator: "\n").count >= 25)
    #expect(table == result.stdout, "README's table differs from `oomlab columns`; paste its output into README.md")
  }

  @Test func validateAndListAcceptEveryShippedScenario() throws {
    let root = repositoryRoot()
    let files = try FileManager.default.contentsOfDirectory(atPath: root.appendingPathComponent("Scenarios").path)
      .filter { $0.hasSuffix(".yaml") }.map { "Scenarios/\($0)" }
    #expect(files.count >= 9)
    let validate = try OomlabProcess.invoke(["validate"] + files, directory: root)
    #expect(validate.status == 0, "\(validate.stderr)")
    let list = try OomlabProcess.invoke(["list", "Scenarios"], directory: root)
    #expect(list.status == 0, "\(list.stderr)")
    for file in files { #expect(list.stdout.contains(file)) }
  }
}

