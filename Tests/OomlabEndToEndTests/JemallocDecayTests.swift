import Foundation
import Testing

@testable import OomlabKit
import OomlabTestSupport

/// jemalloc's default decay beside a C program doing the same under the same jemalloc: neither
/// returns memory through an idle hold, both do once the program calls the allocator again.
///
/// A suite of its own, not one of AllocatorRunTests, so that the VM lane (which runs those on a
/// cgroup v2 kernel under emulation) does not spend 15 s of timed holds on what no cgroup affects.
@Suite(.serialized)
struct JemallocDecayTests {
  @Test(
    .enabled(if: jemallocPath != nil, "jemalloc is not installed (apt-get install libjemalloc-dev)"),
    .enabled(if: CProgram.unavailable == nil, "\(CProgram.unavailable ?? "")"))
  func jemallocDecaysOnActivityNotThroughAnIdleHoldAsInC() throws {
    let source = try String(
      contentsOf: repositoryRoot().appendingPathComponent("scripts/calibration/jemalloc-decay.c"), encoding: .utf8)
    let program = try CProgram(source)
    defer { program.cleanUp() }
    let c = try program.run([], environment: ["LD_PRELOAD": try #require(jemallocPath)])
      .split(separator: " ").compactMap { Double($0.trimmingCharacters(in: .whitespacesAndNewlines)) }
    try #require(c.count == 4)
    let (cPeak, cIdle, cEnd) = (c[1], c[2], c[3])
    let result = try OomlabProcess.run(try shippedScenario("native-fragmentation-jemalloc"))
    defer { result.cleanUp() }
    #expect(result.status == 0, "\(result.stderr)")
    let csv = try #require(result.csv)
    #expect(csv.column("allocator").last == "jemalloc")
    let peak = try #require(csv.value("rss_bytes", atStepIndex: 1).last)
    let idle = try #require(csv.value("rss_bytes", atStepIndex: 3).last)
    let end = try #require(csv.value("rss_bytes", atStep: "end").last)
    let freed = 180_000 * 1024.0
    // The independent reading: real jemalloc keeps the freed pages through 3 idle seconds...
    #expect(cIdle >= cPeak - 0.03 * freed, "C: \(cPeak / MiB) MiB at the peak, \(cIdle / MiB) MiB after the idle hold")
    // ...and so does the worker, where the scenario once said RSS fell over time.
    #expect(idle >= peak - 0.03 * freed, "oomlab: \(peak / MiB) MiB at the peak, \(idle / MiB) MiB after the idle hold")
    // Calls to the allocator let decay run: both give back a share of the freed pages.
    #expect(cEnd <= cIdle - 0.1 * freed, "C: \(cIdle / MiB) MiB after the idle hold, \(cEnd / MiB) MiB at the end")
    #expect(end <= idle - 0.1 * freed, "oomlab: \(idle / MiB) MiB after the idle hold, \(end / MiB) MiB at the end")
  }
}
