import Foundation
import Glibc
import Testing

@testable import OomlabKit
import OomlabTestSupport

/// `timeout:` and `--timeout`: a run that would take a minute ends after the limit, cleanly.
@Suite(.serialized) struct TimeoutCommandTests {
  /// Would run for a minute: 16 MiB of buffers, then a long hold.
  static func slow(_ extra: String = "") -> String {
    """
    name: slow
    sample: 50ms
    limit: 128MiB
    \(extra)
    steps:
      - buffers: { count: 4, size: 4MiB }
      - hold: 60s
    """
  }

  /// Whether `pid` is gone: no process, not even a zombie, holds it.
  static func gone(_ pid: Int32) -> Bool { kill(pid, 0) == -1 && errno == ESRCH }

  @Test func theScenarioTimeoutEndsTheRunWithOutcomeTimeoutAndLeavesNothing() throws {
    let started = Date()
    let result = try OomlabProcess.run(Self.slow("timeout: 1s"))
    defer { result.cleanUp() }
    let seconds = Date().timeIntervalSince(started)
    #expect(seconds < 10, "took \(seconds) s")
    // Nothing was expected, so a run that did not complete does not match.
    #expect(result.status == 1, "\(result.stdout)\(result.stderr)")
    let report = try #require(result.report)
    #expect(report.outcome == .timedOut)
    #expect(report.durationSeconds >= 1 && report.durationSeconds < 5, "\(report.durationSeconds)")
    #expect(report.notes.contains { $0.hasPrefix("timeout 1.0 s reached") }, "\(report.notes)")
    #expect(result.stderr.contains("outcome   timeout"), "\(result.stderr)")
    let worker = try #require(report.processes.first)
    #expect(worker.outcome == .timedOut && worker.signal == "SIGKILL", "\(worker.outcome) \(worker.signal ?? "")")
    #expect(Self.gone(worker.pid), "worker \(worker.pid) is still there")
    // The CSV ends with the worker as the timeout found it, holding its buffers.
    let csv = try #require(result.csv)
    #expect(try #require(csv.last("t_seconds")) >= 0.95)
    #expect(csv.column("step").last == "hold")
    if cgroupUnavailable == nil {
      #expect(MemoryLimitRunTests.leftoverCgroups(ofSupervisor: result.pid).isEmpty)
    }
  }

  /// A timeout shorter than the worker's start-up ends the wait for it too, rather than the 30 s start-up limit.
  @Test func aTimeoutWithinTheStartUpEndsTheRun() throws {
    let started = Date()
    let result = try OomlabProcess.run(Self.slow(), arguments: ["--timeout", "1ms"])
    defer { result.cleanUp() }
    #expect(Date().timeIntervalSince(started) < 10)
    let report = try #require(result.report)
    #expect(report.outcome == .timedOut, "\(result.stdout)\(result.stderr)")
    for process in report.processes { #expect(Self.gone(process.pid)) }
    if cgroupUnavailable == nil {
      #expect(MemoryLimitRunTests.leftoverCgroups(ofSupervisor: result.pid).isEmpty)
    }
  }

  @Test func expectTimeoutMatches() throws {
    let result = try OomlabProcess.run(Self.slow("timeout: 500ms\nexpect: timeout"))
    defer { result.cleanUp() }
    #expect(result.status == 0, "\(result.stdout)\(result.stderr)")
    #expect(result.outcome == .timedOut)
    #expect(result.report?.matched == true)
  }

  @Test func theFlagWinsOverTheScenario() throws {
    // A shorter flag ends a run the scenario would let run for a minute.
    let started = Date()
    let shorter = try OomlabProcess.run(Self.slow("timeout: 60s"), arguments: ["--timeout", "700ms"])
    defer { shorter.cleanUp() }
    #expect(Date().timeIntervalSince(started) < 10)
    #expect(shorter.outcome == .timedOut)
    #expect(try #require(shorter.report).notes.contains { $0.hasPrefix("timeout 0.7 s reached") })
    // A longer flag lets a run finish that the scenario's timeout would have cut short.
    let quick = """
      name: quick
      timeout: 200ms
      steps:
        - hold: 1s
      """
    let longer = try OomlabProcess.run(quick, arguments: ["--timeout", "30s"])
    defer { longer.cleanUp() }
    #expect(longer.status == 0, "\(longer.stdout)\(longer.stderr)")
    #expect(longer.outcome == .completed)
  }

  @Test func aBadTimeoutFlagIsRefusedWithTwo() throws {
    for value in ["0s", "soon", "25h"] {
      let result = try OomlabProcess.run(Self.slow(), arguments: ["--timeout", value])
      defer { result.cleanUp() }
      #expect(result.status == 2, "\(value): \(result.stderr)")
      #expect(result.stderr.contains("--timeout expects a duration above zero"), "\(result.stderr)")
      #expect(result.csv == nil, "nothing is written")
    }
  }

  @Test func anUnboundedLeakIsRefusedBeforeAnythingRuns() throws {
    let result = try OomlabProcess.run("name: leaky\nsteps:\n  - leak: { rate: 10MiB/s }\n")
    defer { result.cleanUp() }
    #expect(result.status == 2, "\(result.stderr)")
    #expect(
      result.stderr.contains(
        "scenario.yaml:3:11: steps[0].leak: a leak without for: never ends by itself; expected for: on the step, or limit: or timeout: in the scenario"),
      "\(result.stderr)")
    #expect(result.csv == nil)
    // The same leak ends, with a timeout to bound it.
    let bounded = try OomlabProcess.run("name: leaky\ntimeout: 300ms\nexpect: timeout\nsteps:\n  - leak: { rate: 10MiB/s }\n")
    defer { bounded.cleanUp() }
    #expect(bounded.status == 0, "\(bounded.stdout)\(bounded.stderr)")
  }

  @Test func matrixTimesOutEachCell() throws {
    let directory = try OomlabProcess.temporaryDirectory()
    defer { try? FileManager.default.removeItem(at: directory) }
    try Self.slow().write(to: directory.appendingPathComponent("slow.yaml"), atomically: true, encoding: .utf8)
    let started = Date()
    let result = try OomlabProcess.invoke(
      ["matrix", "slow.yaml", "--out", "cells", "--arena-max", "none,1", "--timeout", "500ms"], directory: directory)
    #expect(Date().timeIntervalSince(started) < 15)
    #expect(result.status == 1, "\(result.stdout)\(result.stderr)")
    let summary = try String(contentsOf: directory.appendingPathComponent("cells/summary.csv"), encoding: .utf8)
    #expect(summary.components(separatedBy: ",timeout,").count - 1 == 2, "\(summary)")
  }

  @Test func execStopsTheCommandAtTheTimeout() throws {
    let started = Date()
    let result = try RealPrograms.exec(["sleep", "60"], options: ["--timeout", "1s"])
    defer { result.cleanUp() }
    #expect(Date().timeIntervalSince(started) < 10)
    #expect(result.status == ExecOptions.timedOutStatus, "\(result.stderr)")
    #expect(result.report?.outcome == .timedOut)
    #expect(result.report?.notes.contains { $0.hasPrefix("timeout 1.0 s reached") } == true, "\(result.report?.notes ?? [])")
    let sleep = try #require(result.firstProcess)
    #expect(Self.gone(sleep.pid))
    // With --expect timeout, exec exits as run does.
    let expected = try RealPrograms.exec(["sleep", "60"], options: ["--timeout", "300ms", "--expect", "timeout"])
    defer { expected.cleanUp() }
    #expect(expected.status == 0, "\(expected.stderr)")
  }
}
