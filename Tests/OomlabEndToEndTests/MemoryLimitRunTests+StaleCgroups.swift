import Foundation
import Glibc
import Testing

@testable import OomlabKit
import OomlabTestSupport

/// Why a supervisor cannot be started in a pid namespace of its own here, or nil when it can.
let pidNamespaceUnavailable: String? = {
  guard FileManager.default.isExecutableFile(atPath: "/usr/bin/unshare") else { return "/usr/bin/unshare is missing" }
  let probe = Process()
  probe.executableURL = URL(fileURLWithPath: "/usr/bin/unshare")
  probe.arguments = ["-p", "-f", "--mount-proc", "/bin/true"]
  probe.standardError = FileHandle.nullDevice
  guard (try? probe.run()) != nil else { return "cannot start unshare" }
  probe.waitUntilExit()
  return probe.terminationStatus == 0 ? nil : "unshare -p -f --mount-proc fails here (status \(probe.terminationStatus))"
}()

/// Whether the pid-namespace test runs; prints why not, because Swift Testing shows only the fixed comment.
var pidNamespaceEnabled: Bool {
  if let pidNamespaceUnavailable { print("aRunInAnotherPidNamespaceKeepsItsWorker skipped: \(pidNamespaceUnavailable)") }
  return pidNamespaceUnavailable == nil
}

/// Stale-cgroup cleanup between real runs: it removes only what is provably abandoned and never kills.
///
/// These share `MemoryLimitRunTests`' serialization, since they put cgroups beside the ones that suite counts.
extension MemoryLimitRunTests {
  /// The first pid above 300 that no process here has, so a run given that pid in its own pid namespace
  /// looks dead to `kill(pid, 0)` from outside (the old staleness test).
  func pidUnusedHere() -> Int32? {
    (300..<30_000).first { kill($0, 0) != 0 && errno == ESRCH }
  }

  @Test(.enabled(if: pidNamespaceEnabled, "needs unshare -p -f --mount-proc"))
  func aRunInAnotherPidNamespaceKeepsItsWorkerWhileAnotherRunCleansUp() throws {
    let hierarchy = try CgroupLocator().locate()
    let parent = hierarchy.ownDirectory
    let directory = try OomlabProcess.temporaryDirectory()
    defer { try? FileManager.default.removeItem(at: directory) }
    let long = directory.appendingPathComponent("long.yaml")
    try "name: long\nsample: 50ms\nsteps:\n  - buffers: { count: 2, size: 8MiB, touch: all }\n  - hold: 8s\n"
      .write(to: long, atomically: true, encoding: .utf8)
    let pid = try #require(pidUnusedHere())

    // The first run's supervisor gets `pid` in a new pid namespace: ns_last_pid + 1 is the next fork there.
    let first = Process()
    first.executableURL = URL(fileURLWithPath: "/usr/bin/unshare")
    first.arguments = [
      "-p", "--kill-child", "--mount-proc", "/bin/sh", "-c",
      "echo \(pid - 1) > /proc/sys/kernel/ns_last_pid || exit 97; \"$@\"; exit $?", "sh",
      OomlabProcess.binary, "run", long.path, "--memory-limit", "64MiB", "--csv", "long.csv", "--summary", "long.json",
    ]
    first.currentDirectoryURL = directory
    let firstErr = directory.appendingPathComponent("long.err")
    _ = FileManager.default.createFile(atPath: firstErr.path, contents: nil)
    first.standardOutput = FileHandle.nullDevice
    first.standardError = try FileHandle(forWritingTo: firstErr)
    try first.run()
    defer {
      // On failure the namespace goes with unshare (--kill-child), and its cgroup with the next cleanup.
      if first.isRunning {
        kill(first.processIdentifier, SIGKILL)
        first.waitUntilExit()
      }
    }

    var cgroup = ""
    var worker: Int32 = 0
    let started = Poll.until(within: 20) {
      guard let name = CgroupDirectory.subdirectories(of: parent).first(where: { CgroupName.parse($0)?.supervisorPid == pid })
      else { return false }
      cgroup = parent + "/" + name
      worker = CgroupDirectory.processes(in: cgroup).first ?? 0
      return worker > 0 && FileIO.exists(directory.appendingPathComponent("long.csv").path)
    }
    try #require(
      started,
      "no cgroup of supervisor \(pid) with a worker in \(parent): \((try? String(contentsOf: firstErr, encoding: .utf8)) ?? "")")
    // What made the old cleanup kill it: from here the supervisor's pid names no process.
    let looksDead = kill(pid, 0) != 0 && errno == ESRCH
    #expect(looksDead, "pid \(pid) was taken meanwhile; the test proves less")

    let second = try OomlabProcess.run("name: quick\nsteps:\n  - hold: 10ms\n", arguments: ["--memory-limit", "64MiB"])
    defer { second.cleanUp() }
    #expect(second.status == 0, "\(second.stderr)")

    #expect(first.isRunning, "the first run ended before the second finished, so the test shows nothing")
    #expect(isLiving(worker), "the first run's worker \(worker) was killed")
    #expect(FileIO.exists(cgroup), "the first run's cgroup \(cgroup) was removed")
    #expect(CgroupDirectory.processes(in: cgroup).contains(worker))

    first.waitUntilExit()
    let stderr = (try? String(contentsOf: firstErr, encoding: .utf8)) ?? ""
    #expect(first.terminationStatus == 0, "\(stderr)")
    let report = try RunReport.decode(Data(contentsOf: directory.appendingPathComponent("long.json")))
    #expect(report.outcome == .completed, "\(stderr)")
    #expect(!FileIO.exists(cgroup), "the first run left its cgroup behind")
  }

  @Test func aRunRemovesAnAbandonedEmptyCgroupButLeavesOneWithAProcess() throws {
    let hierarchy = try CgroupLocator().locate()
    let parent = hierarchy.ownDirectory
    // pid_max itself is never a pid, so these names belong to a supervisor that cannot be alive.
    let dead = deadPid
    var made: [String] = []
    for index in 0..<100 where made.count < 2 {
      let path = parent + "/" + CgroupName.make(supervisorPid: dead, index: index)
      if mkdir(path, 0o755) == 0 { made.append(path) }
    }
    try #require(made.count == 2, "cannot create two cgroups under \(parent)")
    let abandoned = made[0]
    let occupied = made[1]
    var sleeper: pid_t = 0
    defer {
      if sleeper > 0 {
        kill(sleeper, SIGKILL)
        waitpid(sleeper, nil, 0)
      }
      // rmdir may see EBUSY for a moment after the kill, until the kernel takes the task out.
      for path in made { Poll.until(within: 5) { rmdir(path) == 0 || errno == ENOENT } }
    }
    let argv: [UnsafeMutablePointer<CChar>?] = [strdup("/bin/sleep"), strdup("60"), nil]
    defer { argv.forEach { free($0) } }
    try #require(posix_spawn(&sleeper, "/bin/sleep", nil, nil, argv, environ) == 0)
    try CgroupDirectory.attach(sleeper, to: occupied)
    try #require(CgroupDirectory.processes(in: occupied) == [sleeper])

    let run = try OomlabProcess.run("name: quick\nsteps:\n  - hold: 10ms\n", arguments: ["--memory-limit", "64MiB"])
    defer { run.cleanUp() }
    #expect(run.status == 0, "\(run.stderr)")

    #expect(!FileIO.exists(abandoned), "the abandoned empty cgroup \(abandoned) is still there")
    #expect(FileIO.exists(occupied), "the cgroup holding a process was removed")
    #expect(isLiving(sleeper), "stale cleanup killed a process it could not prove its own")
    #expect(CgroupDirectory.processes(in: occupied) == [sleeper])
    // The cgroup left in place is not swallowed: the summary says so.
    let notes = run.report?.notes ?? []
    #expect(notes.contains { $0.contains(occupied) }, "\(notes)")
  }
}
