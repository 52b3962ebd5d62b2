import Foundation
import Glibc
import Testing

@testable import OomlabKit
import OomlabTestSupport

/// cgroup v2 file handling against a fake tree, so the v2 path is tested on any machine.
struct MemoryCgroupV2Tests {
  /// A fake unified hierarchy: a root with processes and a session scope holding the supervisor.
  func makeTree(scopeSubtree: String = "", scopeProcs: String = "4242\n") throws -> CgroupFakeTree {
    let tree = try CgroupFakeTree()
    tree.file("cgroup/cgroup.controllers", "cpuset cpu io memory hugetlb pids rdma misc\n")
    tree.file("cgroup/cgroup.subtree_control", "cpu io memory pids\n")
    tree.file("cgroup/cgroup.procs", "1\n2\n")
    tree.v2MemoryFiles("cgroup/user.slice/session-2.scope")
    tree.file("cgroup/user.slice/session-2.scope/cgroup.controllers", "cpu io memory pids\n")
    tree.file("cgroup/user.slice/session-2.scope/cgroup.subtree_control", scopeSubtree)
    tree.file("cgroup/user.slice/session-2.scope/cgroup.procs", scopeProcs)
    return tree
  }

  @Test func createEnablesMemoryInAParentWithoutProcesses() throws {
    let tree = try makeTree(scopeProcs: "")
    let parent = tree.path("cgroup/user.slice/session-2.scope")
    var enabled = 0
    let cgroup = try MemoryCgroup.create(version: .v2, under: parent, supervisorPid: 4242) { enabled += 1 }
    #expect(cgroup.directory == parent + "/oomlab-4242-0")
    #expect(cgroup.version == .v2)
    #expect(tree.read("cgroup/user.slice/session-2.scope/cgroup.subtree_control") == "+memory\n")
    #expect(enabled == 1, "the write that outlives the run is reported")
    #expect(tree.exists("cgroup/user.slice/session-2.scope/oomlab-4242-0"))
  }

  @Test func createLeavesAnEnabledParentAlone() throws {
    let tree = try makeTree(scopeSubtree: "memory\n", scopeProcs: "")
    let parent = tree.path("cgroup/user.slice/session-2.scope")
    var enabled = 0
    let first = try MemoryCgroup.create(version: .v2, under: parent, supervisorPid: 4242) { enabled += 1 }
    let second = try MemoryCgroup.create(version: .v2, under: parent, supervisorPid: 4242) { enabled += 1 }
    #expect(enabled == 0, "nothing was written, so nothing is reported")
    #expect(first.directory.hasSuffix("/oomlab-4242-0"))
    #expect(second.directory.hasSuffix("/oomlab-4242-1"))
    #expect(tree.read("cgroup/user.slice/session-2.scope/cgroup.subtree_control") == "memory\n")
  }

  @Test func createRefusesToEnableMemoryBesideProcesses() throws {
    let tree = try makeTree(scopeProcs: "4242\n4243\n")
    let parent = tree.path("cgroup/user.slice/session-2.scope")
    #expect(throws: CgroupError.internalProcesses(parent: parent, count: 2)) {
      try MemoryCgroup.create(version: .v2, under: parent, supervisorPid: 4242)
    }
    #expect(tree.read("cgroup/user.slice/session-2.scope/cgroup.subtree_control") == "")
    #expect(!tree.exists("cgroup/user.slice/session-2.scope/oomlab-4242-0"))
    let message = CgroupError.internalProcesses(parent: parent, count: 2).description
    #expect(message.contains("no-internal-processes") && message.contains("2 processes"))
  }

  @Test func createMakesALeafBesideProcessesWhenMemoryIsAlreadyEnabled() throws {
    // Only the kernel's root mixes processes and controllers, but a fake tree can show both; the
    // enabled controller is what matters.
    let tree = try makeTree(scopeSubtree: "cpu memory\n", scopeProcs: "4242\n")
    let cgroup = try MemoryCgroup.create(version: .v2, under: tree.path("cgroup/user.slice/session-2.scope"), supervisorPid: 7)
    #expect(cgroup.directory.hasSuffix("session-2.scope/oomlab-7-0"))
  }

  @Test func theRootMayEnableMemoryDespiteItsProcesses() throws {
    let tree = try makeTree()
    tree.file("cgroup/cgroup.subtree_control", "cpu io\n")
    let cgroup = try MemoryCgroup.create(version: .v2, under: tree.path("cgroup"), supervisorPid: 99)
    #expect(cgroup.directory == tree.path("cgroup/oomlab-99-0"))
    #expect(tree.read("cgroup/cgroup.subtree_control") == "+memory\n")
  }

  /// Runs chattr with `flag` on `path`; false when it cannot (no chattr, a file system without the flag).
  func chattr(_ flag: String, _ path: String) -> Bool {
    let process = Process()
    process.executableURL = URL(fileURLWithPath: "/usr/bin/chattr")
    process.arguments = [flag, path]
    process.standardError = FileHandle.nullDevice
    guard (try? process.run()) != nil else { return false }
    process.waitUntilExit()
    return process.terminationStatus == 0
  }

  @Test func aSupervisorAloneDoesNotStepDownWhereSubtreeControlIsNotWritable() throws {
    // The supervisor is the only process: stepping down would remove that obstacle, but not the write's.
    let tree = try makeTree(scopeProcs: "\(getpid())\n")
    let parent = tree.path("cgroup/user.slice/session-2.scope")
    let control = parent + "/cgroup.subtree_control"
    // Immutable, the file is unwritable even for root (chattr needs CAP_LINUX_IMMUTABLE and ext4, xfs, btrfs or tmpfs).
    guard chattr("+i", control) else {
      print("skipped: chattr +i is not possible on \(control)")
      return
    }
    defer { _ = chattr("-i", control) }
    guard access(control, W_OK) != 0 else {
      print("skipped: \(control) is still writable with +i")
      return
    }
    #expect(MemoryDelegation.obstacle(in: parent) == .subtreeControlNotWritable(parent: parent, errno: EPERM))
    #expect(try SupervisorLeaf.stepDown(from: parent) == nil)
    #expect(CgroupDirectory.subdirectories(of: parent).isEmpty, "a leaf was made")
  }

  @Test func createExplainsAnUndelegatedController() throws {
    let tree = try makeTree(scopeProcs: "")
    tree.file("cgroup/user.slice/session-2.scope/cgroup.controllers", "cpu pids\n")
    let parent = tree.path("cgroup/user.slice/session-2.scope")
    #expect(throws: CgroupError.controllerUnavailable(parent: parent, controllers: "cpu pids")) {
      try MemoryCgroup.create(version: .v2, under: parent, supervisorPid: 1)
    }
  }

  @Test func setLimitOnAMissingCgroupThrowsWithThePath() throws {
    let tree = try makeTree()
    let cgroup = MemoryCgroup(directory: tree.path("cgroup/gone"), version: .v2)
    let error = try #require(throws: SystemError.self) { try cgroup.setLimit(1 << 20) }
    #expect(error.errno == ENOENT)
    #expect(error.description.contains("gone/memory.max"))
  }

  @Test func readCollectsEveryFigure() throws {
    let tree = try makeTree()
    tree.v2MemoryFiles("cgroup/child", current: "104857600\n", max: "134217728\n")
    tree.file("cgroup/child/memory.peak", "120000000\n")
    tree.file(
      "cgroup/child/memory.stat",
      """
      anon 99614720
      file 4194304
      kernel 1310720
      kernel_stack 32768
      pagetables 229376
      sec_pagetables 0
      percpu 480
      sock 0
      vmalloc 0
      shmem 0
      file_mapped 1048576
      slab_reclaimable 20000
      slab_unreclaimable 30000
      slab 50000
      pgfault 25000

      """)
    tree.file("cgroup/child/memory.events", "low 0\nhigh 0\nmax 12\noom 1\noom_kill 1\noom_group_kill 0\n")
    tree.file(
      "cgroup/child/memory.pressure",
      "some avg10=12.50 avg60=3.10 avg300=0.70 total=1234567\nfull avg10=8.25 avg60=2.00 avg300=0.40 total=765432\n")
    let reading = try #require(MemoryCgroup(directory: tree.path("cgroup/child"), version: .v2).read())
    #expect(reading.usage == 104_857_600)
    #expect(reading.limit == 134_217_728)
    #expect(reading.peak == 120_000_000)
    #expect(reading.anon == 99_614_720)
    #expect(reading.file == 4_194_304)
    #expect(reading.kernel == 32768 + 229_376 + 50000)
    #expect(reading.psiSomeAvg10 == 12.5)
    #expect(reading.psiFullAvg10 == 8.25)
    #expect(reading.oomKills == 1)
  }

  @Test func readFollowsChangesThroughTheOpenFiles() throws {
    let tree = try makeTree()
    tree.v2MemoryFiles("cgroup/child", current: "1000\n")
    let cgroup = MemoryCgroup(directory: tree.path("cgroup/child"), version: .v2)
    let first = try #require(cgroup.read())
    #expect(first.usage == 1000)
    #expect(first.limit == nil)  // "max"
    #expect(first.peak == nil)  // kernels before 5.19 have no memory.peak
    // The same files are re-read in place, as the kernel's are each tick.
    let handle = fopen(tree.path("cgroup/child/memory.current"), "r+")
    fputs("2000\n", handle)
    fclose(handle)
    #expect(cgroup.read()?.usage == 2000)
  }

  @Test func readIsNilWithoutMemoryCurrent() throws {
    let tree = try makeTree()
    tree.directory("cgroup/child")
    #expect(MemoryCgroup(directory: tree.path("cgroup/child"), version: .v2).read() == nil)
  }

  @Test func removeKillsWhatIsLeftAndRemovesTheDirectory() throws {
    let tree = try makeTree()
    tree.v2MemoryFiles("cgroup/child")
    tree.file("cgroup/child/cgroup.procs", "5001\n5002\n")
    tree.file("cgroup/child/cgroup.kill")
    let log = RemovalLog()
    let cgroup = MemoryCgroup(directory: tree.path("cgroup/child"), version: .v2)
    cgroup.remover = log.remover
    _ = cgroup.read()
    try cgroup.remove()
    #expect(!tree.exists("cgroup/child"))
    #expect(tree.read("cgroup/child/cgroup.kill") == nil)
    // cgroup.kill took them all: no pid, which may have been reused since it was listed, is signalled.
    #expect(log.signals.isEmpty)
    #expect(cgroup.read() == nil)
  }

  @Test func withoutCgroupKillTheListedProcessesAreSignalled() throws {
    let tree = try makeTree()
    tree.v2MemoryFiles("cgroup/child")
    tree.file("cgroup/child/cgroup.procs", "5001\n5002\n")
    let log = RemovalLog()
    let cgroup = MemoryCgroup(directory: tree.path("cgroup/child"), version: .v2)
    cgroup.remover = log.remover
    try cgroup.remove()
    #expect(log.signals.map(\.pid) == [5001, 5002])
    #expect(log.signals.allSatisfy { $0.signal == SIGKILL })
  }

  @Test func theLiveSignalGoesOnlyToAProcessStillListed() throws {
    let sleeper = Process()
    sleeper.executableURL = URL(fileURLWithPath: "/bin/sleep")
    sleeper.arguments = ["30"]
    try sleeper.run()
    defer { if sleeper.isRunning { kill(sleeper.processIdentifier, SIGKILL) }; sleeper.waitUntilExit() }
    let pid = sleeper.processIdentifier
    let tree = try makeTree()
    tree.file("cgroup/child/cgroup.procs", "5001\n")
    // Listed no longer (as when its pid went to another process): left alone.
    #expect(CgroupRemover.live.signal(pid, SIGKILL, tree.path("cgroup/child")) == -1)
    #expect(sleeper.isRunning)
    tree.file("cgroup/child/cgroup.procs", "\(pid)\n")
    #expect(CgroupRemover.live.signal(pid, SIGKILL, tree.path("cgroup/child")) == 0)
    sleeper.waitUntilExit()
    #expect(sleeper.terminationReason == .uncaughtSignal && sleeper.terminationStatus == SIGKILL)
  }

  @Test func removeGivesUpAtOnceWhenThisProcessIsInside() throws {
    let tree = try makeTree()
    tree.v2MemoryFiles("cgroup/child")
    tree.file("cgroup/child/cgroup.procs", "5001\n\(getpid())\n")
    let log = RemovalLog()
    let cgroup = MemoryCgroup(directory: tree.path("cgroup/child"), version: .v2)
    cgroup.remover = log.remover
    #expect(throws: CgroupError.holdsThisProcess(path: tree.path("cgroup/child"))) { try cgroup.remove() }
    // This process can never leave by being killed, so nothing is killed, waited for or retried.
    #expect(log.signals.isEmpty && log.rmdirs.isEmpty)
    #expect(tree.exists("cgroup/child"))
  }

  @Test func removeTakesNestedCgroupsFirst() throws {
    let tree = try makeTree()
    tree.v2MemoryFiles("cgroup/child")
    tree.v2MemoryFiles("cgroup/child/inner")
    let log = RemovalLog()
    let cgroup = MemoryCgroup(directory: tree.path("cgroup/child"), version: .v2)
    cgroup.remover = log.remover
    try cgroup.remove()
    #expect(log.rmdirs == [tree.path("cgroup/child/inner"), tree.path("cgroup/child")])
    #expect(!tree.exists("cgroup/child"))
  }

  @Test func removeRetriesWhileBusy() throws {
    let tree = try makeTree()
    tree.v2MemoryFiles("cgroup/child")
    let log = RemovalLog(failures: [EBUSY, EBUSY])
    let cgroup = MemoryCgroup(directory: tree.path("cgroup/child"), version: .v2)
    cgroup.remover = log.remover
    try cgroup.remove()
    #expect(log.rmdirs.count == 3)
    #expect(!tree.exists("cgroup/child"))
  }

  @Test func removeGivesUpAfterTheLastAttempt() throws {
    let tree = try makeTree()
    tree.v2MemoryFiles("cgroup/child")
    let log = RemovalLog(failures: Array(repeating: EBUSY, count: 10))
    let cgroup = MemoryCgroup(directory: tree.path("cgroup/child"), version: .v2)
    cgroup.remover = log.remover
    #expect(throws: CgroupError.cannotRemove(path: tree.path("cgroup/child"), errno: EBUSY, attempts: 5)) {
      try cgroup.remove()
    }
    #expect(tree.exists("cgroup/child"))
  }

  @Test func removingAMissingCgroupSucceeds() throws {
    let tree = try makeTree()
    let log = RemovalLog()
    let cgroup = MemoryCgroup(directory: tree.path("cgroup/never-made"), version: .v2)
    cgroup.remover = log.remover
    try cgroup.remove()
    #expect(log.rmdirs.isEmpty)
  }
}
