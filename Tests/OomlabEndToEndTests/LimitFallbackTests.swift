import Foundation
import Testing

import OomlabTestSupport

/// The paths taken when no cgroup can be had, forced with an empty stand-in for /proc/self/mountinfo.
@Suite(.serialized)
struct LimitFallbackTests {
  static let scenario = """
    name: fallback
    limit: 64MiB
    sample: 10ms
    expect: oom-kill
    steps:
      - buffers: { count: 40, size: 4MiB, touch: all, every: 10ms }
      - hold: 1s
    """

  func run(_ enforce: String) throws -> OomlabProcess.Result {
    let directory = try OomlabProcess.temporaryDirectory()
    let scenario = directory.appendingPathComponent("s.yaml")
    try Self.scenario.write(to: scenario, atomically: true, encoding: .utf8)
    let mountinfo = directory.appendingPathComponent("mountinfo")
    try "".write(to: mountinfo, atomically: true, encoding: .utf8)
    let csv = directory.appendingPathComponent("out.csv")
    let summary = directory.appendingPathComponent("summary.json")
    return try OomlabProcess.invoke(
      ["run", scenario.path, "--enforce", enforce, "--csv", csv.path, "--summary", summary.path],
      directory: directory, csv: csv, summary: summary, environment: ["OOMLAB_MOUNTINFO": mountinfo.path])
  }

  @Test(arguments: ["auto", "cgroup"])
  func withoutACgroupTheLimitIsRefusedNotDropped(_ enforce: String) throws {
    let result = try run(enforce)
    defer { result.cleanUp() }
    #expect(result.status == 3)
    #expect(result.stderr.contains("cannot enforce a memory limit of 64.0 MiB"), "\(result.stderr)")
    #expect(result.stderr.contains("--enforce simulated") == (enforce == "auto"))
    #expect(result.csv == nil, "a refused run writes no CSV")
    #expect(result.summaryJSON == nil)
  }

  @Test func aSimulatedLimitIsEnforcedAndLabelledEverywhere() throws {
    let result = try run("simulated")
    defer { result.cleanUp() }
    #expect(result.status == 0, "\(result.stdout)\(result.stderr)")
    #expect(result.outcome == .simulatedOomKill)
    #expect(result.stderr.contains("SIMULATED"))
    #expect(result.report?.enforcement == .simulated)
    let csv = try #require(result.csv)
    let lastRSS = try #require(csv.last("rss_bytes"))
    #expect(lastRSS >= 64 * MiB, "the kill came at RSS \(lastRSS / MiB) MiB")
    let usage = csv.column("cgroup_usage_bytes")
    #expect(usage.allSatisfy { $0.isEmpty }, "no cgroup figures are invented")
  }
}

/// `--enforce simulated` simulates even where a cgroup could be had: the name promises no kernel involvement.
@Suite(.serialized, .enabled(if: cgroupUnavailable == nil, "\(cgroupUnavailable ?? "")"))
struct SimulatedLimitTests {
  @Test func aSimulatedLimitCreatesNoCgroupWhereOneCouldBeMade() throws {
    var seen = Set<String>()
    let result = try OomlabProcess.run(LimitFallbackTests.scenario, arguments: ["--enforce", "simulated"]) { process, _ in
      // Watched for the whole run: a cgroup of this supervisor's would appear before its first row.
      while process.isRunning {
        seen.formUnion(MemoryLimitRunTests.leftoverCgroups(ofSupervisor: process.processIdentifier))
        usleep(2000)
      }
    }
    defer { result.cleanUp() }
    #expect(result.status == 0, "\(result.stdout)\(result.stderr)")
    #expect(seen.isEmpty, "the supervisor made \(seen.sorted())")
    #expect(result.outcome == .simulatedOomKill)
    #expect(result.report?.enforcement == .simulated)
    let table = try #require(result.csv)
    #expect(table.column("cgroup_usage_bytes").allSatisfy { $0.isEmpty }, "no cgroup was read")
    let lastRSS = try #require(table.last("rss_bytes"))
    #expect(lastRSS >= 64 * MiB)
  }
}
