import Glibc
import Testing

@testable import OomlabKit
import OomlabTestSupport

/// Naming of oomlab's cgroups and removal of the ones no run holds, on a fake tree.
struct CgroupStaleTests {
  @Test func namesRoundTrip() {
    let name = CgroupName.make(supervisorPid: 4242, index: 3)
    #expect(name == "oomlab-4242-3")
    let parsed = CgroupName.parse(name)
    #expect(parsed?.supervisorPid == 4242 && parsed?.index == 3)
  }

  static let foreignNames = [
    "oomlab", "oomlab-", "oomlab-12", "oomlab-12-", "oomlab--1", "oomlab-abc-1", "oomlab-12-x", "oomlab-12-1-2",
    "oomlab-0-1", "oomlab-+12-1", "oomlab-99999999999-1", "xoomlab-12-1", "OOMLAB-12-1", "oomlab-12-1 ",
  ]

  @Test(arguments: foreignNames)
  func foreignNamesAreNotOurs(name: String) {
    #expect(CgroupName.parse(name) == nil)
  }

  @Test func cleanRemovesOnlyUnlockedEmptyOomlabCgroups() throws {
    let tree = try CgroupFakeTree()
    let dead = deadPid
    tree.v2MemoryFiles("parent/oomlab-\(dead)-0")
    tree.v1MemoryFiles("parent/oomlab-\(dead)-7")
    // The pid in the name proves nothing either way: a live pid's unlocked empty cgroup is abandoned too.
    tree.v2MemoryFiles("parent/oomlab-\(getpid())-0")
    // Held by a run (pid 1 here stands for a supervisor in another pid namespace): in use.
    tree.v2MemoryFiles("parent/oomlab-1-0")
    let holder = CgroupLock.attempt(tree.path("parent/oomlab-1-0"))
    guard case .locked(let lock) = holder else {
      Issue.record("cannot lock the fake cgroup: \(holder)")
      return
    }
    defer { lock.release() }
    // Unlocked but not empty: not provably abandoned, and nothing is killed.
    tree.v2MemoryFiles("parent/oomlab-\(dead)-3")
    tree.file("parent/oomlab-\(dead)-3/cgroup.procs", "31000\n31001\n")
    for name in Self.foreignNames where !name.contains("/") { tree.v2MemoryFiles("parent/\(name)") }
    tree.v2MemoryFiles("parent/system.slice")
    tree.file("parent/oomlab-\(dead)-9", "a file, not a cgroup\n")
    let log = RemovalLog()

    let cleanup = StaleCgroups.clean(parent: tree.path("parent"), removeDirectory: log.remover.removeDirectory)

    let removed = ["parent/oomlab-\(dead)-0", "parent/oomlab-\(dead)-7", "parent/oomlab-\(getpid())-0"]
    #expect(Set(cleanup.removed) == Set(removed.map(tree.path)))
    #expect(Set(log.rmdirs) == Set(removed.map(tree.path)), "rmdir only what was proven abandoned")
    for path in removed { #expect(!tree.exists(path)) }
    #expect(tree.exists("parent/oomlab-1-0"))
    #expect(tree.exists("parent/oomlab-\(dead)-3"))
    #expect(cleanup.problems.count == 1, "\(cleanup.problems)")
    let problem = cleanup.problems.first ?? ""
    #expect(problem.contains("oomlab-\(dead)-3") && problem.contains("31000 31001") && problem.contains("2 processes"))
    for name in Self.foreignNames { #expect(tree.exists("parent/\(name)"), "\(name)") }
    #expect(tree.exists("parent/system.slice"))
    #expect(tree.exists("parent/oomlab-\(dead)-9"))
  }

  @Test func cleanReportsWhatItCouldNotRemove() throws {
    let tree = try CgroupFakeTree()
    tree.v1MemoryFiles("parent/oomlab-\(deadPid)-0")
    let log = RemovalLog(failures: [EBUSY])
    let cleanup = StaleCgroups.clean(parent: tree.path("parent"), removeDirectory: log.remover.removeDirectory)
    #expect(cleanup.removed.isEmpty)
    #expect(cleanup.problems.count == 1)
    #expect(cleanup.problems.first?.contains("oomlab-\(deadPid)-0") == true)
    #expect(cleanup.problems.first?.contains("EBUSY") == true)
    #expect(tree.exists("parent/oomlab-\(deadPid)-0"))
  }

  @Test func cleaningAMissingParentDoesNothing() {
    #expect(StaleCgroups.clean(parent: "/nonexistent/parent") == StaleCgroups.Cleanup())
  }
}
