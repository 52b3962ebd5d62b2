import Glibc
import Testing

@testable import OomlabKit
import OomlabTestSupport

/// cgroup v1 memory controller file handling against a fake tree.
struct MemoryCgroupV1Tests {
  /// A fake v1 memory hierarchy shaped like this project's CI machine.
  func makeTree() throws -> CgroupFakeTree {
    let tree = try CgroupFakeTree()
    tree.v1MemoryFiles("memory")
    tree.v1MemoryFiles("memory/process_api/e6ee")
    tree.file("memory/process_api/e6ee/cgroup.procs", "3932\n3934\n")
    return tree
  }

  @Test func createMakesANamedChildBesideProcesses() throws {
    // v1 has no no-internal-processes rule: a child of a cgroup with processes is fine.
    let tree = try makeTree()
    let parent = tree.path("memory/process_api/e6ee")
    let first = try MemoryCgroup.create(version: .v1, under: parent, supervisorPid: 3932)
    let second = try MemoryCgroup.create(version: .v1, under: parent, supervisorPid: 3932)
    #expect(first.directory == parent + "/oomlab-3932-0")
    #expect(second.directory == parent + "/oomlab-3932-1")
    #expect(first.version == .v1)
    #expect(tree.exists("memory/process_api/e6ee/oomlab-3932-0"))
  }

  @Test func createUnderAMissingParentNamesIt() throws {
    let tree = try makeTree()
    let parent = tree.path("memory/nowhere")
    #expect(throws: CgroupError.cannotCreate(parent: parent, errno: ENOENT)) {
      try MemoryCgroup.create(version: .v1, under: parent, supervisorPid: 1)
    }
    #expect(CgroupError.cannotCreate(parent: parent, errno: EACCES).description.hasSuffix(
      "nowhere: Permission denied (EACCES); run as root or delegate the cgroup"))
    #expect(CgroupError.cannotCreate(parent: parent, errno: EROFS).description.contains("read-only"))
  }

  @Test func readCollectsEveryFigureV1Has() throws {
    let tree = try makeTree()
    tree.v1MemoryFiles("memory/child", usage: "66846720\n", limit: "67108864\n")
    tree.file("memory/child/memory.max_usage_in_bytes", "67108864\n")
    tree.file("memory/child/memory.kmem.usage_in_bytes", "1548288\n")
    tree.file("memory/child/memory.oom_control", "oom_kill_disable 0\nunder_oom 0\noom_kill 1\n")
    tree.file(
      "memory/child/memory.stat",
      """
      cache 458752
      rss 65273856
      rss_huge 0
      shmem 0
      mapped_file 0
      swap 0
      hierarchical_memory_limit 67108864
      hierarchical_memsw_limit 67108864
      total_cache 458752
      total_rss 65273856
      total_swap 0

      """)
    let reading = try #require(MemoryCgroup(directory: tree.path("memory/child"), version: .v1).read())
    #expect(reading.usage == 66_846_720)
    #expect(reading.limit == 67_108_864)
    #expect(reading.peak == 67_108_864)
    #expect(reading.anon == 65_273_856)
    #expect(reading.file == 458_752)
    #expect(reading.kernel == 1_548_288)
    #expect(reading.oomKills == 1)
    // v1 has no per-cgroup pressure.
    #expect(reading.psiSomeAvg10 == nil && reading.psiFullAvg10 == nil)
  }

  @Test func readWithoutKmemOrLimitLeavesThemUnknown() throws {
    let tree = try makeTree()
    tree.v1MemoryFiles("memory/child", usage: "4096\n")
    let reading = try #require(MemoryCgroup(directory: tree.path("memory/child"), version: .v1).read())
    #expect(reading.usage == 4096)
    #expect(reading.limit == nil)  // 9223372036854771712 is "unlimited"
    #expect(reading.kernel == nil)
    #expect(reading.oomKills == 0)
  }

  @Test func removeKillsListedProcessesAndRemovesTheDirectory() throws {
    let tree = try makeTree()
    tree.v1MemoryFiles("memory/child")
    tree.file("memory/child/cgroup.procs", "1811\n")
    let log = RemovalLog(failures: [EBUSY])
    let cgroup = MemoryCgroup(directory: tree.path("memory/child"), version: .v1)
    cgroup.remover = log.remover
    try cgroup.remove()
    #expect(!tree.exists("memory/child"))
    // Killed again before each attempt, since a busy cgroup may have gained a process.
    #expect(log.signals.map(\.pid) == [1811, 1811])
  }

  @Test func removeDoesNotRetryOtherErrors() throws {
    let tree = try makeTree()
    tree.v1MemoryFiles("memory/child")
    let log = RemovalLog(failures: [EACCES])
    let cgroup = MemoryCgroup(directory: tree.path("memory/child"), version: .v1)
    cgroup.remover = log.remover
    #expect(throws: CgroupError.cannotRemove(path: tree.path("memory/child"), errno: EACCES, attempts: 1)) {
      try cgroup.remove()
    }
  }
}
