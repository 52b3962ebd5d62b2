import Foundation
import Glibc
import Testing

@testable import OomlabKit
import OomlabTestSupport

/// The one rule that ties a SIGKILL to the OOM killer, for run and exec, fed a fake kernel log.
struct OomEvidenceTests {
  /// A log holding the kernel's two lines for a kill of host pid `pid` whose victim was in `cgroup`.
  static func log(killing pid: Int32, in cgroup: String, tree: CgroupFakeTree) throws -> KernelLog {
    let path = tree.path("kmsg")
    tree.file("kmsg", "")
    let log = try #require(KernelLog(path: path))
    let handle = try #require(FileHandle(forWritingAtPath: path))
    handle.seekToEndOfFile()
    handle.write(
      Data(
        ("6,1,100,-;oom-kill:constraint=CONSTRAINT_MEMCG,oom_memcg=\(cgroup),task_memcg=\(cgroup),task=oomlab,pid=\(pid),uid=0\n"
          + "3,2,101,-;Memory cgroup out of memory: Killed process \(pid) (oomlab) total-vm:1kB, anon-rss:1kB, file-rss:1kB\n")
          .utf8))
    handle.closeFile()
    return log
  }

  static let oomKilled = OomEvidence.End(pid: 2, waitStatus: SIGKILL, killedByOomlab: false)
  static let stoppedAtTimeout = OomEvidence.End(pid: 3, waitStatus: SIGKILL, killedByOomlab: true)

  @Test func inAnotherPidNamespaceTheVictimsCgroupTiesTheKill() throws {
    let tree = try CgroupFakeTree()
    // Under a cgroup namespace the kernel's path is longer than the one oomlab sees from its mount.
    let log = try Self.log(killing: 30727, in: "/docker/abc/oomlab-1-0", tree: tree)
    let evidence = OomEvidence(
      [Self.oomKilled, Self.stoppedAtTimeout], kernelLog: log, cgroupKills: 0, cgroupPath: "/oomlab-1-0",
      kernelPidsAreOurs: false)
    #expect(evidence.killed == [2])
    #expect(evidence.reports[2]?.pid == 30727)
    #expect(evidence.note?.contains("naming the run's cgroup") == true, "\(evidence.note ?? "")")
  }

  @Test func anotherCgroupsKillIsNotTheRuns() throws {
    let tree = try CgroupFakeTree()
    let log = try Self.log(killing: 30727, in: "/docker/abc/oomlab-1-01", tree: tree)
    let evidence = OomEvidence(
      [Self.oomKilled], kernelLog: log, cgroupKills: 0, cgroupPath: "/oomlab-1-0", kernelPidsAreOurs: false)
    #expect(evidence.killed.isEmpty)
    // The counter still speaks when the kernel's lines do not.
    let counted = OomEvidence(
      [Self.oomKilled], kernelLog: log, cgroupKills: 1, cgroupPath: "/oomlab-1-0", kernelPidsAreOurs: false)
    #expect(counted.killed == [2])
    #expect(counted.reports.isEmpty)
    #expect(counted.note?.contains("oom_kill counter") == true, "\(counted.note ?? "")")
  }

  @Test func inTheKernelsPidNamespaceOnlyTheLineForThePidCounts() throws {
    let tree = try CgroupFakeTree()
    let log = try Self.log(killing: 2, in: "/oomlab-1-0", tree: tree)
    let evidence = OomEvidence(
      [Self.oomKilled, OomEvidence.End(pid: 4, waitStatus: SIGKILL, killedByOomlab: false)], kernelLog: log,
      cgroupKills: 5, cgroupPath: "/oomlab-1-0", kernelPidsAreOurs: true)
    #expect(evidence.killed == [2])
    #expect(evidence.note == nil)
  }

  @Test func withoutTheLogTheSupervisorsOwnKillsAreNotCounted() {
    let evidence = OomEvidence(
      [Self.oomKilled, Self.stoppedAtTimeout], kernelLog: nil, cgroupKills: 1, cgroupPath: "/oomlab-1-0")
    #expect(evidence.killed == [2])
    let tooMany = OomEvidence(
      [Self.oomKilled, OomEvidence.End(pid: 4, waitStatus: SIGKILL, killedByOomlab: false)], kernelLog: nil,
      cgroupKills: 1, cgroupPath: "/oomlab-1-0")
    #expect(tooMany.killed.isEmpty)
  }

  @Test func aCgroupPathMatchesOnlyWholeComponents() {
    #expect(OomEvidence.names("/oomlab-1-0", "/a/oomlab-1-0"))
    #expect(OomEvidence.names("/oomlab-1-0", "/a/oomlab-1-0/inner"))
    #expect(!OomEvidence.names("/oomlab-1-0", "/a/xoomlab-1-0"))
    #expect(!OomEvidence.names("/oomlab-1-0", "/a/oomlab-1-01"))
    #expect(!OomEvidence.isSpecific("/"))
  }
}
