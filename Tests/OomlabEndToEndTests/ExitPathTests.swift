import Foundation
import Glibc
import Testing

@testable import OomlabKit
import OomlabTestSupport

/// How run, exec and attach end when their outputs fail: a closed standard error, a reader that goes
/// away, a summary that cannot be written; and the exit status each of those gives.
@Suite struct ExitPathTests {
  static let short = """
    name: short
    about: a few buffers, held briefly
    steps:
      - buffers: { count: 4, size: 1MiB }
      - hold: 300ms
    """

  static let holding = """
    name: holding
    about: holds long enough for its reader to go away
    steps:
      - native: { count: 4, size: 1MiB, touch: all }
      - hold: 20s
    """

  /// A pipe whose reader is already gone: every write to it fails with EPIPE.
  static func closedPipe() throws -> FileHandle {
    let pipe = Pipe()
    try pipe.fileHandleForReading.close()
    return pipe.fileHandleForWriting
  }

  /// Runs oomlab with `stderr` as its standard error and its standard output to a file.
  static func run(_ arguments: [String], in directory: URL, stderr: FileHandle) throws -> Process {
    let process = Process()
    process.executableURL = URL(fileURLWithPath: OomlabProcess.binary)
    process.arguments = arguments
    process.currentDirectoryURL = directory
    let out = directory.appendingPathComponent("stdout.txt")
    _ = FileManager.default.createFile(atPath: out.path, contents: nil)
    process.standardOutput = try FileHandle(forWritingTo: out)
    process.standardError = stderr
    try process.run()
    try stderr.close()
    process.waitUntilExit()
    return process
  }

  /// Runs oomlab with its standard output a pipe whose reader is already gone (`| true`) and its standard
  /// error to a file; returns the process and what it wrote on standard error.
  static func runWithoutAReader(_ arguments: [String], in directory: URL) throws -> (Process, String) {
    let process = Process()
    process.executableURL = URL(fileURLWithPath: OomlabProcess.binary)
    process.arguments = arguments
    process.currentDirectoryURL = directory
    let errors = directory.appendingPathComponent("stderr.txt")
    _ = FileManager.default.createFile(atPath: errors.path, contents: nil)
    let stdout = try closedPipe()
    process.standardOutput = stdout
    process.standardError = try FileHandle(forWritingTo: errors)
    try process.run()
    try stdout.close()
    process.waitUntilExit()
    return (process, try String(contentsOf: errors, encoding: .utf8))
  }

  /// Runs oomlab with its standard output to a pipe that is closed after `lines` lines, like `| head -N`;
  /// returns the process, its standard error and how long it ran.
  static func runUntilTheReaderLeaves(_ arguments: [String], in directory: URL, lines: Int) throws -> (Process, String, Double) {
    let process = Process()
    process.executableURL = URL(fileURLWithPath: OomlabProcess.binary)
    process.arguments = arguments
    process.currentDirectoryURL = directory
    let out = Pipe()
    let errors = directory.appendingPathComponent("stderr.txt")
    _ = FileManager.default.createFile(atPath: errors.path, contents: nil)
    process.standardOutput = out
    process.standardError = try FileHandle(forWritingTo: errors)
    let start = Date()
    try process.run()
    try out.fileHandleForWriting.close()
    var read = Data()
    while read.count(where: { $0 == 0x0A }) < lines {
      let chunk = out.fileHandleForReading.availableData
      if chunk.isEmpty { break }
      read.append(chunk)
    }
    try out.fileHandleForReading.close()
    process.waitUntilExit()
    return (process, try String(contentsOf: errors, encoding: .utf8), Date().timeIntervalSince(start))
  }

  /// `run ... --csv - 2>&1 | head -1`: the CSV's reader, which is standard error's too, goes away after the header.
  @Test func aReaderOfBothOutputsThatGoesAwayEndsTheRunAsInterruptedAndLeavesNoCgroup() throws {
    let directory = try OomlabProcess.temporaryDirectory()
    defer { try? FileManager.default.removeItem(at: directory) }
    let scenario = directory.appendingPathComponent("holding.yaml")
    try Self.holding.write(to: scenario, atomically: true, encoding: .utf8)
    let limited = cgroupUnavailable == nil
    let process = Process()
    process.executableURL = URL(fileURLWithPath: OomlabProcess.binary)
    process.arguments = ["run", scenario.path, "--csv", "-", "--interval", "20ms"] + (limited ? ["--memory-limit", "64MiB"] : [])
    process.currentDirectoryURL = directory
    let both = Pipe()
    process.standardOutput = both
    process.standardError = both
    try process.run()
    try both.fileHandleForWriting.close()
    var header = Data()
    while !header.contains(0x0A) {
      let chunk = both.fileHandleForReading.availableData
      if chunk.isEmpty { break }
      header.append(chunk)
    }
    try both.fileHandleForReading.close()
    process.waitUntilExit()
    #expect(String(decoding: header, as: UTF8.self).hasPrefix("t_seconds,"))
    #expect(process.terminationReason == .exit, "the supervisor died of signal \(process.terminationStatus)")
    #expect(process.terminationStatus == ExitStatus.interrupted.rawValue)
    if limited {
      #expect(MemoryLimitRunTests.leftoverCgroups(ofSupervisor: process.processIdentifier).isEmpty)
    }
  }

  /// With the CSV and the summary in files, a closed standard error loses only the text summary.
  @Test func aClosedStandardErrorLosesOnlyTheTextSummary() throws {
    let directory = try OomlabProcess.temporaryDirectory()
    defer { try? FileManager.default.removeItem(at: directory) }
    try Self.short.write(to: directory.appendingPathComponent("short.yaml"), atomically: true, encoding: .utf8)
    let process = try Self.run(
      ["run", "short.yaml", "--csv", "out.csv", "--summary", "out.json"], in: directory, stderr: try Self.closedPipe())
    #expect(process.terminationReason == .exit, "oomlab died of signal \(process.terminationStatus)")
    #expect(process.terminationStatus == ExitStatus.matched.rawValue)
    let report = try RunReport.decode(Data(contentsOf: directory.appendingPathComponent("out.json")))
    #expect(report.outcome == .completed)
  }

  /// A worker that reports its failure on a closed standard error still fails, rather than dying of the report.
  @Test(.enabled(if: !canLowerOomScoreAdj, "this process may lower oom_score_adj, so no worker fails on it"))
  func aWorkerReportingOnAClosedStandardErrorStillFails() throws {
    let directory = try OomlabProcess.temporaryDirectory()
    defer { try? FileManager.default.removeItem(at: directory) }
    try """
      name: cannot-run
      about: its oom_score_adj cannot be lowered, so the worker fails and says why
      processes:
        - name: agent
          oom-score-adj: -998
          steps:
            - hold: 100ms
      """.write(to: directory.appendingPathComponent("cannot.yaml"), atomically: true, encoding: .utf8)
    let process = try Self.run(
      ["run", "cannot.yaml", "--csv", "out.csv", "--summary", "out.json"], in: directory, stderr: try Self.closedPipe())
    #expect(process.terminationReason == .exit, "oomlab died of signal \(process.terminationStatus)")
    #expect(process.terminationStatus == ExitStatus.environment.rawValue)
    let report = try RunReport.decode(Data(contentsOf: directory.appendingPathComponent("out.json")))
    #expect(report.processes.first?.outcome == .failed, "\(report.processes)")
  }

  /// Without --expect, exec exits as its command did, 64 (ArgumentParser's usage status) included.
  @Test(arguments: [64, 65, 2])
  func execPassesTheCommandsExitStatusOn(code: Int32) throws {
    let result = try RealPrograms.exec(["sh", "-c", "exit \(code)"])
    defer { result.cleanUp() }
    #expect(result.status == code, "\(result.stderr)")
    #expect(result.stderr.contains("exit status \(code)"), "\(result.stderr)")
  }

  /// A reader that goes away while no tick is due: the step boundary's row fails, and the run ends at once
  /// as interrupted, not 20 s later as completed with an incomplete CSV (status 3).
  @Test func aReaderThatGoesAwayBetweenTicksEndsTheRunAtOnceAsInterrupted() throws {
    let directory = try OomlabProcess.temporaryDirectory()
    defer { try? FileManager.default.removeItem(at: directory) }
    try """
      name: between-ticks
      about: its rows after the start come from step boundaries only, the first half a second in
      sample: 30s
      steps:
        - hold: 500ms
        - hold: 20s
      """.write(to: directory.appendingPathComponent("between.yaml"), atomically: true, encoding: .utf8)
    let (process, stderr, seconds) = try Self.runUntilTheReaderLeaves(
      ["run", "between.yaml", "--csv", "-"], in: directory, lines: 2)
    #expect(process.terminationReason == .exit && process.terminationStatus == ExitStatus.interrupted.rawValue, "\(stderr)")
    #expect(stderr.contains("outcome   interrupted") && stderr.contains("the CSV's reader went away"), "\(stderr)")
    #expect(seconds < 10, "the run went on for \(seconds) s after its reader left")
  }

  /// exec's command is stopped when the CSV's reader goes away, and oomlab says 130 as run does, not the
  /// command's 143 from the SIGTERM it was sent.
  @Test func execEndsWith130WhenTheCSVsReaderGoesAway() throws {
    let directory = try OomlabProcess.temporaryDirectory()
    defer { try? FileManager.default.removeItem(at: directory) }
    let (process, stderr, seconds) = try Self.runUntilTheReaderLeaves(
      ["exec", "--csv", "-", "--stdout", "command.txt", "--interval", "50ms", "--", "sleep", "20"], in: directory,
      lines: 1)
    #expect(process.terminationReason == .exit && process.terminationStatus == ExitStatus.interrupted.rawValue, "\(stderr)")
    #expect(stderr.contains("the CSV's reader went away"), "\(stderr)")
    #expect(seconds < 10, "the command ran for \(seconds) s after the reader left")
  }

  /// `--summary - | true`: the JSON cannot be written, yet the text summary gives the outcome and says so; status 3.
  @Test(arguments: [
    ["run", "short.yaml", "--csv", "out.csv", "--summary", "-"],
    ["exec", "--csv", "out.csv", "--summary", "-", "--stdout", "command.txt", "--expect", "completed", "--", "true"],
  ])
  func aSummaryThatCannotBeWrittenStillLeavesTheTextSummary(command: [String]) throws {
    let directory = try OomlabProcess.temporaryDirectory()
    defer { try? FileManager.default.removeItem(at: directory) }
    try Self.short.write(to: directory.appendingPathComponent("short.yaml"), atomically: true, encoding: .utf8)
    let (process, stderr) = try Self.runWithoutAReader(command, in: directory)
    #expect(process.terminationReason == .exit && process.terminationStatus == ExitStatus.environment.rawValue, "\(stderr)")
    #expect(stderr.contains("outcome   completed"), "\(stderr)")
    #expect(stderr.contains("the JSON summary was not written") && stderr.contains("EPIPE"), "\(stderr)")
  }

  /// A worker still starting when the start-up deadline (30 s) passes is killed and reported as failed,
  /// status 3, not as `signalled (SIGKILL)`, which `expect: signalled` would have matched. A preloaded
  /// library whose constructor sleeps in the worker, and only there, holds it before it starts.
  @Test(.enabled(if: CProgram.unavailable == nil, "\(CProgram.unavailable ?? "")"))
  func aWorkerThatDoesNotStartInTimeFails() throws {
    let library = try CProgram(
      """
      #include <fcntl.h>
      #include <string.h>
      #include <unistd.h>
      __attribute__((constructor)) static void slowStart(void) {
        char line[4096];
        int fd = open("/proc/self/cmdline", O_RDONLY);
        if (fd < 0) return;
        ssize_t n = read(fd, line, sizeof line);
        close(fd);
        for (ssize_t i = 0; i + 8 <= n; i++) {
          if (memcmp(line + i, "__worker", 8) == 0) { sleep(120); return; }
        }
      }
      """, flags: ["-shared", "-fPIC"])
    defer { library.cleanUp() }
    let result = try OomlabProcess.run(
      """
      name: slow-start
      about: its worker is held in a library's constructor past the start-up deadline
      expect: signalled
      steps:
        - hold: 100ms
      """, environment: ["LD_PRELOAD": library.executable.path])
    defer { result.cleanUp() }
    #expect(result.status == ExitStatus.environment.rawValue, "\(result.stderr)")
    #expect(result.firstProcess?.outcome == .failed, "\(result.stderr)")
    #expect(result.firstProcess?.message?.contains("did not start within 30 s") == true, "\(result.stderr)")
    #expect(result.report?.matched == false)
  }

  /// `| true`: a reader gone before the header is the same interrupt as one that goes later, 130, not 3.
  @Test func aReaderGoneBeforeTheHeaderIsAnInterruptToo() throws {
    let directory = try OomlabProcess.temporaryDirectory()
    defer { try? FileManager.default.removeItem(at: directory) }
    try Self.short.write(to: directory.appendingPathComponent("short.yaml"), atomically: true, encoding: .utf8)
    let (process, stderr) = try Self.runWithoutAReader(["run", "short.yaml", "--csv", "-"], in: directory)
    #expect(process.terminationReason == .exit && process.terminationStatus == ExitStatus.interrupted.rawValue, "\(stderr)")
    #expect(stderr.contains("the CSV's reader went away before its header"), "\(stderr)")
  }
}
