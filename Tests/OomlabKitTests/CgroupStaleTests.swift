import Glibc
import Testing

@testable import OomlabKit

/// Naming of oomlab's cgroups and removal of the ones a dead supervisor left behind.
struct CgroupStaleTests {
  /// A pid no process can have: pids are allocated below /proc/sys/kernel/pid_max.
  static var deadPid: Int32 {
    let text = (try? FileIO.read("/proc/sys/kernel/pid_max")) ?? "4194304"
    return Int32(CgroupValue.integer(text) ?? 4_194_304)
  }

  @Test func namesRoundTrip() {
    let name = CgroupName.make(supervisorPid: 4242, index: 3)
    #expect(name == "oomlab-4242-3")
    let parsed = CgroupName.parse(name)
    #expect(parsed?.supervisorPid == 4242 && parsed?.index == 3)
  }

  @Test(arguments: [
    "oomlab", "oomlab-", "oomlab-12", "oomlab-12-", "oomlab--1", "oomlab-abc-1", "oomlab-12-x", "oomlab-12-1-2",
    "oomlab-0-1", "oomlab-+12-1", "oomlab-99999999999-1", "xoomlab-12-1", "OOMLAB-12-1", "oomlab-12-1 ",
  ])
  func foreignNamesAreNotOurs(name: String) {
    #expect(CgroupName.parse(name) == nil)
    #expect(!StaleCgroups.isStale(name: name) { _ in false })
  }

  @Test func staleMeansOursAndItsSupervisorIsDead() {
    #expect(StaleCgroups.isStale(name: "oomlab-100-0") { $0 != 100 })
    #expect(!StaleCgroups.isStale(name: "oomlab-100-0") { $0 == 100 })
  }

  @Test func aliveMeansKillZeroDoesNotSayESRCH() {
    #expect(StaleCgroups.isAlive(getpid()))
    #expect(!StaleCgroups.isAlive(Self.deadPid))
  }

  @Test func cleanRemovesOnlyDeadSupervisorsCgroups() throws {
    let tree = try CgroupFakeTree()
    let dead = Self.deadPid
    tree.v2MemoryFiles("parent/oomlab-\(dead)-0")
    tree.file("parent/oomlab-\(dead)-0/cgroup.procs", "31000\n")
    tree.v2MemoryFiles("parent/oomlab-\(dead)-7")
    tree.v2MemoryFiles("parent/oomlab-\(getpid())-0")
    tree.v2MemoryFiles("parent/oomlab-abc-0")
    tree.v2MemoryFiles("parent/system.slice")
    tree.file("parent/oomlab-\(dead)-9", "a file, not a cgroup\n")
    let log = RemovalLog()
    let cleanup = StaleCgroups.clean(parent: tree.path("parent"), remover: log.remover, isAlive: StaleCgroups.isAlive)
    #expect(cleanup.removed == [tree.path("parent/oomlab-\(dead)-0"), tree.path("parent/oomlab-\(dead)-7")])
    #expect(cleanup.problems.isEmpty)
    #expect(!tree.exists("parent/oomlab-\(dead)-0") && !tree.exists("parent/oomlab-\(dead)-7"))
    #expect(tree.exists("parent/oomlab-\(getpid())-0"))
    #expect(tree.exists("parent/oomlab-abc-0"))
    #expect(tree.exists("parent/system.slice"))
    #expect(tree.exists("parent/oomlab-\(dead)-9"))
    // What was still running in a stale cgroup is killed, since rmdir needs it empty.
    #expect(log.signals.map(\.pid) == [31000])
  }

  @Test func cleanReportsWhatItCouldNotRemove() throws {
    let tree = try CgroupFakeTree()
    tree.v1MemoryFiles("parent/oomlab-\(Self.deadPid)-0")
    let log = RemovalLog(failures: [EACCES])
    let cleanup = StaleCgroups.clean(parent: tree.path("parent"), remover: log.remover, isAlive: { _ in false })
    #expect(cleanup.removed.isEmpty)
    #expect(cleanup.problems.count == 1)
    #expect(cleanup.problems.first?.contains("oomlab-\(Self.deadPid)-0") == true)
    #expect(cleanup.problems.first?.contains("EACCES") == true)
  }

  @Test func cleaningAMissingParentDoesNothing() {
    #expect(StaleCgroups.clean(parent: "/nonexistent/parent") == StaleCleanup())
  }
}
