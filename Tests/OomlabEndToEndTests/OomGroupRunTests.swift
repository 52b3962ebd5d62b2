import Foundation
import Testing

@testable import OomlabKit
import OomlabTestSupport

/// `oom-group: true`: the OOM killer takes every worker at once, as Kubernetes has it for a pod's containers.
@Suite(.serialized, .enabled(if: cgroupUnavailable == nil, "\(cgroupUnavailable ?? "")"))
struct OomGroupRunTests {
  static let scenario = """
    name: pod
    limit: 128MiB
    sample: 20ms
    oom-group: true
    expect: oom-kill
    processes:
      - name: sidecar
        steps:
          - buffers: { count: 4, size: 4MiB, touch: all }
          - hold: 8s
      - name: app
        steps:
          - hold: 200ms
          - buffers: { count: 40, size: 4MiB, touch: all, every: 20ms }
          - hold: 1s
    """

  static let version = try? CgroupLocator().locate().version

  @Test(.enabled(if: version == .v2, "memory.oom.group needs cgroup v2 (the VM lane runs this)"))
  func theWholeGroupIsKilledTogether() throws {
    let result = try OomlabProcess.run(Self.scenario)
    defer { result.cleanUp() }
    #expect(result.status == 0, "\(result.stdout)\(result.stderr)")
    let report = try #require(result.report)
    // Both died of the one OOM event, the small sidecar too, each with the kernel's own line.
    for process in report.processes {
      #expect(process.outcome == .oomKill, "\(process.name): \(process.outcome)")
      #expect(process.kernelReport?.contains("Killed process \(process.pid) ") == true)
    }
  }

  @Test(.enabled(if: version == .v1, "this host has cgroup v2"))
  func onCgroupV1ItIsRefusedAsTheEnvironments() throws {
    var seen = Set<String>()
    let result = try OomlabProcess.run(Self.scenario) { process, _ in
      // Refused before anything is made: no cgroup of this supervisor's appears, even briefly.
      while process.isRunning {
        seen.formUnion(MemoryLimitRunTests.leftoverCgroups(ofSupervisor: process.processIdentifier))
        usleep(1000)
      }
    }
    defer { result.cleanUp() }
    #expect(result.status == ExitStatus.environment.rawValue, "\(result.stdout)\(result.stderr)")
    #expect(result.stderr.contains("memory.oom.group needs cgroup v2"), "\(result.stderr)")
    #expect(seen.isEmpty, "the supervisor made \(seen.sorted())")
    // --enforce simulated refuses oom-group too, so it is not offered as the way out.
    #expect(!result.stderr.contains("--enforce simulated"), "\(result.stderr)")
  }

  /// `matrix --oom-group` and `--no-oom-group` reach every cell, over the scenario's `oom-group:`; on v1 the
  /// one is refused as the environment's and the other lets the cell run.
  @Test(.enabled(if: version == .v1, "this host has cgroup v2"))
  func matrixPassesTheFlagToItsCells() throws {
    let directory = try OomlabProcess.temporaryDirectory()
    defer { try? FileManager.default.removeItem(at: directory) }
    try "name: q\nabout: q\nlimit: 64MiB\noom-group: true\nsteps:\n  - hold: 10ms\n".write(
      to: directory.appendingPathComponent("grouped.yaml"), atomically: true, encoding: .utf8)
    try "name: q\nabout: q\nlimit: 64MiB\nsteps:\n  - hold: 10ms\n".write(
      to: directory.appendingPathComponent("plain.yaml"), atomically: true, encoding: .utf8)
    let off = try OomlabProcess.invoke(["matrix", "grouped.yaml", "--no-oom-group", "--out", "off"], directory: directory)
    #expect(off.status == ExitStatus.matched.rawValue, "\(off.stdout)\(off.stderr)")
    let on = try OomlabProcess.invoke(["matrix", "plain.yaml", "--oom-group", "--out", "on"], directory: directory)
    #expect(on.status == ExitStatus.environment.rawValue, "\(on.stdout)\(on.stderr)")
    #expect(on.stderr.contains("memory.oom.group needs cgroup v2"), "\(on.stderr)")
  }
}
