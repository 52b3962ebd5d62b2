import Foundation
import Glibc
import Testing

@testable import OomlabKit
import OomlabTestSupport

/// oomlab inside a memory-limited "container": a cgroup with a limit that oomlab is placed in and
/// cannot create children under, because the cgroup file system is read-only in its mount namespace,
/// as in Docker and Kubernetes. Nothing here is a stand-in: a real cgroup, a real read-only mount,
/// the kernel's own OOM killer.
@Suite(.serialized, .enabled(if: cgroupUnavailable == nil, "\(cgroupUnavailable ?? "")"))
struct ContainerLimitRunTests {
  static let limit: UInt64 = 192 << 20

  /// Runs `oomlab arguments` inside a fresh cgroup limited to `limit`, in a mount namespace where the
  /// cgroup file system is bind-mounted read-only; returns the result and removes the cgroup.
  ///
  /// `nested` puts oomlab in an unlimited child of that cgroup, so the limit sits on an ancestor.
  static func runInContainer(_ yaml: String, nested: Bool = false) throws -> OomlabProcess.Result {
    let hierarchy = try CgroupLocator().locate()
    let container = try hierarchy.createChild(supervisorPid: getpid())
    defer { try? container.remove() }
    try container.setLimit(limit)
    var home = container.directory
    if nested {
      home += "/inner"
      guard mkdir(home, 0o755) == 0 else { throw SystemError.file("create", home, errno) }
    }
    let directory = try OomlabProcess.temporaryDirectory()
    let scenario = directory.appendingPathComponent("s.yaml")
    try yaml.write(to: scenario, atomically: true, encoding: .utf8)
    let csv = directory.appendingPathComponent("out.csv")
    let summary = directory.appendingPathComponent("summary.json")
    // The shell joins the container's cgroup, then becomes unshare, which makes a private mount
    // namespace whose cgroup mount is read-only (a bind remount, so the host's mount is untouched),
    // then becomes oomlab: the supervisor is the only process in the container, like a pod's.
    let mount = hierarchy.mountPoint
    let script = """
      echo $$ > '\(home)/cgroup.procs' || exit 97
      exec unshare --mount --propagation private sh -c '
        mount --bind \(mount) \(mount) && mount -o remount,bind,ro \(mount) || exit 98
        exec "$0" "$@"' '\(OomlabProcess.binary)' run '\(scenario.path)' --csv '\(csv.path)' --summary '\(summary.path)'
      """
    return try OomlabProcess.invoke(
      ["-c", script], directory: directory, csv: csv, summary: summary, executable: "/bin/sh")
  }

  @Test(arguments: [false, true])
  func theContainersLimitIsFoundAndItsOOMKillerTakesTheWorker(nested: Bool) throws {
    let result = try Self.runInContainer(
      """
      name: in-a-pod
      limit: 128MiB
      sample: 20ms
      expect: oom-kill
      steps:
        - buffers: { count: 64, size: 4MiB, touch: all, every: 10ms }
        - hold: 1s
      """, nested: nested)
    defer { result.cleanUp() }
    try #require(result.status != 97 && result.status != 98, "could not set up the container: \(result.stderr)")
    #expect(result.status == 0, "\(result.stdout)\(result.stderr)")
    let report = try #require(result.report)
    // The limit in force is the container's, found by walking up from oomlab's own cgroup, not limit:.
    #expect(report.limitBytes == Self.limit)
    guard case .container? = report.enforcement else {
      Issue.record("enforced by \(report.enforcement.map(String.init(describing:)) ?? "nothing"), not the container's limit")
      return
    }
    // Nested, the limit is an ancestor's, and v1 counts the kill only in the worker's own cgroup.
    #expect(report.outcome == .oomKill)
    // The kernel chose the worker, and the supervisor lived to write everything.
    let worker = try #require(report.processes.first)
    #expect(worker.kernelReport?.contains("Killed process \(worker.pid) ") == true, "\(worker.kernelReport ?? "none")")
    let csv = try #require(result.csv)
    #expect(csv.malformed.isEmpty && csv.endsWithNewline)
    #expect(try #require(csv.last("cgroup_limit_bytes")) == Double(Self.limit))
  }

  /// A limit the container's replaces is named in the summary, beside the container's, which binds.
  @Test func theRequestedLimitIsNamedBesideTheContainersThatBinds() throws {
    let result = try Self.runInContainer(
      """
      name: asked-for-less
      limit: 128MiB
      steps:
        - buffers: { count: 2, size: 1MiB }
      """)
    defer { result.cleanUp() }
    try #require(result.status != 97 && result.status != 98, "could not set up the container: \(result.stderr)")
    #expect(result.status == 0, "\(result.stdout)\(result.stderr)")
    let report = try #require(result.report)
    #expect(report.limitBytes == Self.limit)
    #expect(
      report.notes.contains { $0.contains("requested limit of 128.0 MiB") && $0.contains("container's limit of 192.0 MiB") },
      "\(report.notes)")
  }

  /// A share of a requested limit that the container's replaces is refused before anything is written:
  /// it would be a share of neither the limit asked for nor the one that binds.
  @Test func aShareOfALimitTheContainersReplacesIsRefused() throws {
    let result = try Self.runInContainer(
      """
      name: share-of-what
      limit: 128MiB
      heap-limit: 75%
      steps:
        - buffers: { count: 2, size: 1MiB }
      """)
    defer { result.cleanUp() }
    try #require(result.status != 97 && result.status != 98, "could not set up the container: \(result.stderr)")
    #expect(result.status == ExitStatus.environment.rawValue, "\(result.stdout)\(result.stderr)")
    #expect(result.stderr.contains("heap-limit 75% is a share of the memory limit"), "\(result.stderr)")
    #expect(result.stderr.contains("container's limit of 192.0 MiB"), "\(result.stderr)")
    #expect(result.csv == nil && result.summaryJSON == nil, "a refused run left its outputs")
  }
}
