import Foundation
import Glibc
import Testing

@testable import OomlabKit
import OomlabTestSupport

/// Why the no-internal-processes case cannot be run here, or nil when it can: it needs cgroup v2 and
/// the right to create cgroups.
let noInternalProcessesUnavailable: String? = {
  if let cgroupUnavailable { return cgroupUnavailable }
  guard let hierarchy = try? CgroupLocator().locate(), hierarchy.version == .v2 else {
    return "cgroup v1 has no no-internal-processes rule (the VM lane runs this on v2)"
  }
  return nil
}()

/// oomlab as the only process of its cgroup v2, as a container's main process is: it steps down into a
/// leaf so its cgroup may delegate memory, instead of refusing the limit.
@Suite(.serialized, .enabled(if: noInternalProcessesUnavailable == nil, "\(noInternalProcessesUnavailable ?? "")"))
struct SupervisorLeafRunTests {
  @Test func aSupervisorAloneInItsCgroupStepsIntoALeafAndLimitsTheWorker() throws {
    let hierarchy = try CgroupLocator().locate()
    // A cgroup of the test's own (its memory delegated from above), with nothing in it yet.
    let pod = try hierarchy.createChild(supervisorPid: getpid())
    defer {
      // The supervisor's leaf stays after it exits, empty and unlocked: the test removes it with the pod.
      for child in CgroupDirectory.subdirectories(of: pod.directory) { rmdir(pod.directory + "/" + child) }
      try? pod.remove()
    }
    let directory = try OomlabProcess.temporaryDirectory()
    let scenario = directory.appendingPathComponent("s.yaml")
    try "name: alone\nsample: 20ms\nsteps:\n  - buffers: { count: 4, size: 4MiB, touch: all }\n  - hold: 100ms\n"
      .write(to: scenario, atomically: true, encoding: .utf8)
    let csv = directory.appendingPathComponent("out.csv")
    let summary = directory.appendingPathComponent("summary.json")
    let script = """
      echo $$ > '\(pod.directory)/cgroup.procs' || exit 97
      exec '\(OomlabProcess.binary)' run '\(scenario.path)' --memory-limit 64MiB --csv '\(csv.path)' --summary '\(summary.path)'
      """
    let result = try OomlabProcess.invoke(
      ["-c", script], directory: directory, csv: csv, summary: summary, executable: "/bin/sh")
    defer { result.cleanUp() }
    #expect(result.status == 0, "\(result.stdout)\(result.stderr)")
    let report = try #require(result.report)
    #expect(report.notes.contains { $0.contains("no-internal-processes") }, "\(report.notes)")
    // The fresh pod had no memory in its cgroup.subtree_control: the supervisor enabled it and says so.
    #expect(report.notes.contains { $0.hasPrefix("enabled memory in \(pod.directory)/cgroup.subtree_control") }, "\(report.notes)")
    guard case .cgroup(let directory)? = report.enforcement else {
      Issue.record("enforced by \(report.enforcement.map(String.init(describing:)) ?? "nothing"), not a cgroup")
      return
    }
    #expect(directory.hasPrefix("\(pod.directory)/oomlab-"), "\(directory)")
    // The limit was the worker's own cgroup's, beside the supervisor's leaf, and that cgroup is gone.
    #expect(try #require(result.csv).last("cgroup_limit_bytes") == 64 * MiB)
    let left = CgroupDirectory.subdirectories(of: pod.directory)
    #expect(left.count == 1, "only the supervisor's leaf may remain: \(left)")
  }
}
