import Foundation
import Glibc
import Testing

@testable import OomlabKit
import OomlabTestSupport

/// The kernel's OOM lines and the /dev/kmsg reader that finds them.
struct KernelOomReportTests {
  static let killed =
    "Memory cgroup out of memory: Killed process 1811 (eat) total-vm:68076kB, anon-rss:65280kB, file-rss:1280kB, "
    + "shmem-rss:0kB, UID:0 pgtables:168kB oom_score_adj:0"

  @Test func parsesTheKilledProcessLine() throws {
    let report = try #require(KernelOomReport.parse(Self.killed))
    #expect(report.pid == 1811)
    #expect(report.command == "eat")
    #expect(report.totalVM == 68076 * 1024)
    #expect(report.anonRSS == 65280 * 1024)
    #expect(report.fileRSS == 1280 * 1024)
    #expect(report.shmemRSS == 0)
    #expect(report.uid == 0)
    #expect(report.pageTables == 168 * 1024)
    #expect(report.oomScoreAdj == 0)
    #expect(report.reason == "Memory cgroup out of memory")
    #expect(report.line == Self.killed)
  }

  @Test func commandsMayHoldSpacesAndParentheses() throws {
    let line =
      "Out of memory: Killed process 4242 (Web (x) Content) total-vm:100kB, anon-rss:50kB, file-rss:0kB, "
      + "shmem-rss:4kB, UID:1000 pgtables:8kB oom_score_adj:-998\n"
    let report = try #require(KernelOomReport.parse(line))
    #expect(report.command == "Web (x) Content")
    #expect(report.shmemRSS == 4096)
    #expect(report.uid == 1000)
    #expect(report.oomScoreAdj == -998)
    #expect(report.reason == "Out of memory")
    #expect(report.line.hasSuffix("oom_score_adj:-998"))
  }

  @Test func olderKernelsPrintFewerFields() throws {
    // Linux 4.4: no UID, pgtables or oom_score_adj; 3.x also lacked shmem-rss.
    let report = try #require(
      KernelOomReport.parse("Memory cgroup out of memory: Kill process 7 (a) score 999 or sacrifice child\n"
        + "Killed process 7 (a) total-vm:2048kB, anon-rss:1024kB, file-rss:512kB"))
    #expect(report.pid == 7)
    #expect(report.anonRSS == 1024 * 1024)
    #expect(report.shmemRSS == 0)
    #expect(report.uid == nil && report.pageTables == nil && report.oomScoreAdj == nil)
  }

  @Test func dmesgRenderingKeepsTheReason() throws {
    let report = try #require(KernelOomReport.parse("[   79.114444] " + Self.killed))
    #expect(report.reason == "Memory cgroup out of memory")
  }

  @Test(arguments: [
    "", "Killed process", "Killed process x (a) total-vm:1kB, anon-rss:1kB, file-rss:1kB",
    "Killed process 12 a total-vm:1kB, anon-rss:1kB, file-rss:1kB", "Killed process 12 (a) total-vm:1kB",
    "oom_reaper: reaped process 1811 (eat), now anon-rss:0kB, file-rss:0kB, shmem-rss:0kB",
  ])
  func otherLinesAreNotReports(line: String) {
    #expect(KernelOomReport.parse(line) == nil)
  }

  @Test func parsesTheOomKillContextLine() throws {
    let context = try #require(
      KernelOomContext.parse(
        "oom-kill:constraint=CONSTRAINT_MEMCG,nodemask=(null),cpuset=/,mems_allowed=0,"
          + "oom_memcg=/process_api/5246/oomtest,task_memcg=/process_api/5246/oomtest,task=eat,pid=1811,uid=0"))
    #expect(context.pid == 1811)
    #expect(context.constraint == "CONSTRAINT_MEMCG")
    #expect(context.memoryCgroup == "/process_api/5246/oomtest")
    #expect(context.taskCgroup == "/process_api/5246/oomtest")
    #expect(context.task == "eat")
    #expect(KernelOomContext.parse(Self.killed) == nil)
  }

  @Test func parsesKmsgRecords() throws {
    let record = try #require(KernelLogRecord.parse("3,422,79114444,-;" + Self.killed + "\n"))
    #expect(record.priority == 3)
    #expect(record.sequence == 422)
    #expect(record.timestampMicroseconds == 79_114_444)
    #expect(record.message == Self.killed)
    let withCaller = try #require(KernelLogRecord.parse("6,1234,79114444,-,caller=T1811;hello; world"))
    #expect(withCaller.message == "hello; world")
    #expect(KernelLogRecord.parse(" SUBSYSTEM=memory") == nil)
    #expect(KernelLogRecord.parse("garbage") == nil)
  }

  @Test func kernelLogReadsOnlyWhatComesAfterOpening() throws {
    let tree = try CgroupFakeTree()
    let path = tree.path("kmsg")
    tree.file("kmsg", "3,1,100,-;Memory cgroup out of memory: Killed process 55 (old) total-vm:1kB, anon-rss:1kB, file-rss:1kB\n")
    let log = try #require(KernelLog(path: path))
    #expect(log.drain().isEmpty)
    let handle = try #require(FileHandle(forWritingAtPath: path))
    handle.seekToEndOfFile()
    let context =
      "6,421,79114408,-;oom-kill:constraint=CONSTRAINT_MEMCG,nodemask=(null),cpuset=/,mems_allowed=0,"
      + "oom_memcg=/a/oomlab-1-0,task_memcg=/a/oomlab-1-0,task=eat,pid=1811,uid=0\n"
    handle.write(Data(("6,420,79114403,-;[   1811]     0  1811    17019    16640 eat\n" + context).utf8))
    // Half a record: kept until the rest arrives.
    handle.write(Data("3,422,79114444,-;\(Self.killed.prefix(40))".utf8))
    #expect(log.drain().count == 2)
    #expect(log.oomReport(for: 1811) == nil)
    handle.write(Data("\(Self.killed.dropFirst(40))\n SUBSYSTEM=memory\n".utf8))
    handle.closeFile()
    let report = try #require(log.oomReport(for: 1811))
    #expect(report.command == "eat")
    #expect(report.memoryCgroup == "/a/oomlab-1-0")
    #expect(report.timestampMicroseconds == 79_114_444)
    #expect(log.oomReport(for: 55) == nil)
    #expect(log.reports.count == 1)
  }

  @Test func anUnreadableLogIsNil() {
    #expect(KernelLog(path: "/nonexistent/kmsg") == nil)
  }

  @Test func waitingForAReportGivesUpAtTheDeadline() throws {
    let tree = try CgroupFakeTree()
    tree.file("kmsg")
    let log = try #require(KernelLog(path: tree.path("kmsg")))
    let start = Clock.now()
    #expect(log.oomReport(for: 1, waitingUpTo: 30_000_000) == nil)
    #expect(Clock.now() - start >= 30_000_000)
  }
}
