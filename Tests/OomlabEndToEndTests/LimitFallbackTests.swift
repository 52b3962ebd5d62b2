import Foundation
import Testing

@testable import OomlabKit
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

  /// A tree of ordinary files standing in for this process's memory hierarchy, found through a stand-in
  /// mountinfo: the access check passes (the directories are writable) but the new cgroup has no limit
  /// file to write, as when the kernel refuses the cgroup after the check; an ancestor carries a
  /// 512 MiB "container" limit. It is of the host's cgroup version unless `v2` says.
  static func refusingTree(v2: Bool = false, delegated: Bool = true) throws -> (tree: CgroupFakeTree, own: String, mountinfo: String) {
    let tree = try CgroupFakeTree()
    let membership = ProcCgroup.parse(try FileIO.read("/proc/self/cgroup"))
    let line: String
    let path: String
    if !v2, let v1 = membership.v1Path(controller: "memory") {
      path = v1
      line = "35 31 0:32 / \(tree.path("memory")) rw,relatime - cgroup cgroup rw,memory\n"
      tree.v1MemoryFiles("memory")
      tree.v1MemoryFiles("memory" + path, limit: "536870912\n")
    } else {
      path = try #require(membership.unifiedPath)
      line = "41 31 0:38 / \(tree.path("memory")) rw,relatime - cgroup2 cgroup2 rw\n"
      tree.file("memory/cgroup.controllers", "memory\n")
      tree.v2MemoryFiles("memory" + path, max: "536870912\n")
      tree.file("memory" + path + "/cgroup.controllers", "memory\n")
      tree.file("memory" + path + "/cgroup.subtree_control", delegated ? "memory\n" : "")
    }
    tree.file("mountinfo", line)
    // The root cgroup is the mount point itself, without a trailing slash.
    return (tree, tree.path("memory" + (path == "/" ? "" : path)), tree.path("mountinfo"))
  }

  @Test(arguments: ["auto", "cgroup"])
  func aCgroupRefusedAfterTheCheckFallsBackToTheContainer(_ enforce: String) throws {
    let (tree, own, mountinfo) = try Self.refusingTree()
    defer { withExtendedLifetime(tree) {} }
    let result = try OomlabProcess.run(
      """
      name: refused
      limit: 64MiB
      sample: 20ms
      steps:
        - buffers: { count: 2, size: 4MiB, touch: all }
        - hold: 100ms
      """, arguments: ["--enforce", enforce], environment: ["OOMLAB_MOUNTINFO": mountinfo])
    defer { result.cleanUp() }
    #expect(CgroupDirectory.subdirectories(of: own).isEmpty, "the refused cgroup was left behind")
    if enforce == "cgroup" {
      #expect(result.status == 3, "\(result.stdout)\(result.stderr)")
      #expect(result.stderr.contains("cannot enforce a memory limit of 64.0 MiB"), "\(result.stderr)")
      return
    }
    #expect(result.status == 0, "\(result.stdout)\(result.stderr)")
    let report = try #require(result.report)
    #expect(report.enforcement == .container("\(own): limit 512.0 MiB, 0 B in use at start"))
    #expect(report.notes.contains { $0.hasPrefix("no cgroup of oomlab's own could be made") }, "\(report.notes)")
  }

  @Test func enablingMemoryForChildrenIsReported() throws {
    let (tree, own, mountinfo) = try Self.refusingTree(v2: true, delegated: false)
    defer { withExtendedLifetime(tree) {} }
    let result = try OomlabProcess.run(
      "name: enable\nlimit: 64MiB\nsample: 20ms\nsteps:\n  - buffers: { count: 2, size: 4MiB, touch: all }\n",
      environment: ["OOMLAB_MOUNTINFO": mountinfo])
    defer { result.cleanUp() }
    #expect(result.status == 0, "\(result.stdout)\(result.stderr)")
    #expect(tree.read(String(own.dropFirst(tree.base.count + 1)) + "/cgroup.subtree_control") == "+memory\n")
    // The write outlives the run (the cgroup itself then failed here, and the container's limit was used).
    let notes = try #require(result.report).notes
    #expect(notes.contains("enabled memory in \(own)/cgroup.subtree_control; left enabled, since other cgroups may rely on it now"), "\(notes)")
  }

  static let groupScenario = """
    name: group
    limit: 64MiB
    sample: 20ms
    oom-group: true
    steps:
      - buffers: { count: 2, size: 4MiB, touch: all }
    """

  @Test func oomGroupWithASimulatedLimitIsBadUsage() throws {
    let result = try OomlabProcess.run(Self.groupScenario, arguments: ["--enforce", "simulated"])
    defer { result.cleanUp() }
    #expect(result.status == 2, "\(result.stdout)\(result.stderr)")
    #expect(result.stderr.contains("oom-group") && result.stderr.contains("--no-oom-group"), "\(result.stderr)")
    #expect(result.csv == nil && result.summaryJSON == nil)
  }

  @Test func oomGroupUnderAContainersLimitIsRefused() throws {
    let (tree, own, mountinfo) = try Self.refusingTree(v2: true)
    defer { withExtendedLifetime(tree) {} }
    let result = try OomlabProcess.run(Self.groupScenario, environment: ["OOMLAB_MOUNTINFO": mountinfo])
    defer { result.cleanUp() }
    #expect(result.status == 3, "\(result.stdout)\(result.stderr)")
    #expect(result.stderr.contains("the container's limit at \(own)"), "\(result.stderr)")
    #expect(!result.stderr.contains("--enforce simulated"), "a simulation cannot take a group either")
    #expect(CgroupDirectory.subdirectories(of: own).isEmpty, "the refused cgroup was left behind")
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
