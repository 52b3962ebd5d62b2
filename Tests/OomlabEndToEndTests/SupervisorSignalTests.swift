import Foundation
import Glibc
import Testing

@testable import OomlabKit
import OomlabTestSupport

/// Signals sent to the supervisor or its worker, and how a run ends because of them.
@Suite struct SupervisorSignalTests {
  static let holding = """
    name: holding
    about: holds long enough to be signalled
    steps:
      - native: { count: 4, size: 1MiB, touch: all }
      - hold: 20s
    """

  /// Runs `holding` and sends `signal` to the worker (or the supervisor) once the hold has begun.
  static func runSignalled(_ signal: Int32, toWorker: Bool, arguments: [String] = []) throws -> (OomlabProcess.Result, Int32?) {
    var worker: Int32?
    let result = try OomlabProcess.run(holding, arguments: ["--interval", "20ms"] + arguments, name: "holding.yaml") {
      process, csv in
      worker = CSVTable.waitForRow(in: csv, step: "hold")
      if toWorker, let worker { kill(worker, signal) } else { kill(process.processIdentifier, signal) }
    }
    return (result, worker)
  }

  @Test func aSegfaultSentToTheWorkerEndsIt() throws {
    let (result, worker) = try Self.runSignalled(SIGSEGV, toWorker: true)
    defer { result.cleanUp() }
    #expect(worker != nil, "the worker never reached its hold step: \(result.stderr)")
    #expect(result.outcome == .signalled(SIGSEGV), "\(result.stdout)\(result.stderr)")
    #expect(result.status == ExitStatus.mismatched.rawValue)
  }

  /// A worker SIGKILLed from outside is not an OOM kill (the cgroup's counter did not rise), and its cgroup goes.
  @Test(.enabled(if: cgroupUnavailable == nil, "\(cgroupUnavailable ?? "")"))
  func aWorkerKilledFromOutsideLeavesNoCgroup() throws {
    let (result, worker) = try Self.runSignalled(SIGKILL, toWorker: true, arguments: ["--memory-limit", "64MiB"])
    defer { result.cleanUp() }
    #expect(worker != nil)
    #expect(result.outcome == .signalled(SIGKILL), "\(result.stdout)\(result.stderr)")
    #expect(MemoryLimitRunTests.leftoverCgroups(ofSupervisor: result.pid).isEmpty)
  }

  @Test(arguments: [SIGUSR1, SIGTERM, SIGHUP, SIGQUIT, SIGUSR2, SIGALRM])
  func aTerminatingSignalToTheSupervisorEndsTheRunCleanly(signal: Int32) throws {
    let limited = cgroupUnavailable == nil
    let (result, worker) = try Self.runSignalled(
      signal, toWorker: false, arguments: limited ? ["--memory-limit", "64MiB"] : [])
    defer { result.cleanUp() }
    #expect(result.status == ExitStatus.interrupted.rawValue, "\(result.stdout)\(result.stderr)")
    #expect(result.outcome == .interrupted)
    let csv = try #require(result.csv)
    #expect(csv.malformed.isEmpty && csv.endsWithNewline)
    if let worker { #expect(kill(worker, 0) != 0 && errno == ESRCH, "worker \(worker) outlived its supervisor") }
    if limited { #expect(MemoryLimitRunTests.leftoverCgroups(ofSupervisor: result.pid).isEmpty) }
  }

  @Test func aCSVReaderThatGoesAwayEndsTheRunAsInterrupted() throws {
    let directory = try OomlabProcess.temporaryDirectory()
    defer { try? FileManager.default.removeItem(at: directory) }
    let scenario = directory.appendingPathComponent("holding.yaml")
    try Self.holding.write(to: scenario, atomically: true, encoding: .utf8)
    let limited = cgroupUnavailable == nil
    let process = Process()
    process.executableURL = URL(fileURLWithPath: OomlabProcess.binary)
    process.arguments = ["run", scenario.path, "--csv", "-", "--interval", "20ms"] + (limited ? ["--memory-limit", "64MiB"] : [])
    process.currentDirectoryURL = directory
    let csv = Pipe()
    let errors = directory.appendingPathComponent("stderr.txt")
    _ = FileManager.default.createFile(atPath: errors.path, contents: nil)
    process.standardOutput = csv
    process.standardError = try FileHandle(forWritingTo: errors)
    try process.run()
    // Like `| head -1`: read the header, then close the pipe.
    var header = Data()
    while !header.contains(0x0A) {
      let chunk = csv.fileHandleForReading.availableData
      if chunk.isEmpty { break }
      header.append(chunk)
    }
    try csv.fileHandleForReading.close()
    process.waitUntilExit()
    let stderr = try String(contentsOf: errors, encoding: .utf8)
    #expect(process.terminationReason == .exit, "the supervisor died of a signal: \(stderr)")
    #expect(process.terminationStatus == ExitStatus.interrupted.rawValue, "\(stderr)")
    #expect(stderr.contains("outcome   interrupted"), "\(stderr)")
    if limited {
      #expect(MemoryLimitRunTests.leftoverCgroups(ofSupervisor: process.processIdentifier).isEmpty)
    }
  }

  @Test func theEndRowDoesNotWaitForALongInterval() throws {
    let result = try OomlabProcess.run(
      """
      name: quick
      about: ends long before its first tick
      steps:
        - native: { count: 4, size: 1MiB, touch: all }
        - hold: 200ms
      """, arguments: ["--interval", "30s"])
    defer { result.cleanUp() }
    #expect(result.status == 0, "\(result.stdout)\(result.stderr)")
    let csv = try #require(result.csv)
    // No tick: the start row, each step's start and end, and the end row.
    #expect(csv.column("step") == ["start", "native", "native", "hold", "hold", "end"])
    #expect(csv.column("row") == ["start", "step_start", "step_end", "step_start", "step_end", "end"])
    // Before this was fixed the worker waited up to 10 s for its end row and then went without one.
    let end = try #require(csv.last("t_seconds"))
    #expect(end < 30, "the end row came at \(end) s, a tick later")
  }

  @Test(.enabled(if: !canLowerOomScoreAdj, "this process may lower oom_score_adj, so no process fails on it"))
  func aProcessThatCannotRunMakesTheRunAnEnvironmentFailure() throws {
    let result = try OomlabProcess.run(
      """
      name: half-failed
      about: one process cannot set its oom_score_adj; the other completes as expected
      expect: completed
      processes:
        - name: agent
          oom-score-adj: -998
          steps:
            - hold: 100ms
        - name: app
          steps:
            - hold: 100ms
      """)
    defer { result.cleanUp() }
    #expect(result.status == ExitStatus.environment.rawValue, "\(result.stdout)\(result.stderr)")
    #expect(result.report?.matched == false)
    #expect(result.stderr.contains("agent could not run"), "\(result.stderr)")
  }

  @Test func theWorkerRunsTheTextTheSupervisorValidatedNotThePath() throws {
    // Through /dev/stdin the file can be read only once: a worker reading the path again finds nothing.
    let directory = try OomlabProcess.temporaryDirectory()
    defer { try? FileManager.default.removeItem(at: directory) }
    let csv = directory.appendingPathComponent("out.csv")
    let process = Process()
    process.executableURL = URL(fileURLWithPath: OomlabProcess.binary)
    process.arguments = ["run", "/dev/stdin", "--csv", csv.path]
    process.currentDirectoryURL = directory
    let input = Pipe()
    process.standardInput = input
    process.standardOutput = FileHandle.nullDevice
    process.standardError = FileHandle.nullDevice
    try process.run()
    input.fileHandleForWriting.write(Data("name: piped\nabout: read once\nsteps:\n  - hold: 50ms\n".utf8))
    try input.fileHandleForWriting.close()
    process.waitUntilExit()
    #expect(process.terminationStatus == 0)
    let table = CSVTable(try String(contentsOf: csv, encoding: .utf8))
    #expect(table.column("step").last == "end")
  }

  @Test func aScenarioNamedLikeAnOptionRuns() throws {
    let directory = try OomlabProcess.temporaryDirectory()
    defer { try? FileManager.default.removeItem(at: directory) }
    try "name: dash\nabout: a file name that starts with a dash\nsteps:\n  - hold: 50ms\n"
      .write(to: directory.appendingPathComponent("-dash.yaml"), atomically: true, encoding: .utf8)
    let result = try OomlabProcess.invoke(
      ["run", "--csv", "out.csv", "--", "-dash.yaml"], directory: directory,
      csv: directory.appendingPathComponent("out.csv"))
    #expect(result.status == 0, "\(result.stdout)\(result.stderr)")
    #expect(result.csv?.column("step").last == "end")
  }

  /// Many short OOM-killed runs under jemalloc: each must end, be reaped and leave its cgroup behind
  /// it removed. Before signals were blocked process-wide, a SIGCHLD taken by a thread Foundation had
  /// started for the jemalloc lookup could leave the supervisor waiting on a zombie forever.
  @Test(
    .enabled(if: cgroupUnavailable == nil, "\(cgroupUnavailable ?? "")"),
    .enabled(if: jemallocPath != nil, "jemalloc is not installed (apt-get install libjemalloc-dev)"))
  func aHundredKilledJemallocRunsAllEnd() throws {
    let directory = try OomlabProcess.temporaryDirectory()
    defer { try? FileManager.default.removeItem(at: directory) }
    let scenario = directory.appendingPathComponent("killed.yaml")
    try """
      name: killed
      about: killed at once
      limit: 32MiB
      expect: oom-kill
      steps:
        - buffers: { count: 16, size: 4MiB, touch: all }
      """.write(to: scenario, atomically: true, encoding: .utf8)
    for attempt in 1...100 {
      let csv = directory.appendingPathComponent("run.csv")
      var hung = false
      let result = try OomlabProcess.invoke(
        ["run", scenario.path, "--allocator", "jemalloc", "--interval", "5ms", "--csv", csv.path], directory: directory
      ) { process in
        // A watchdog, not a timing: a run that has not ended in 60 s has hung.
        if !Poll.until(within: 60, every: 0.01, { !process.isRunning }) {
          hung = true
          kill(process.processIdentifier, SIGKILL)
        }
      }
      try? FileManager.default.removeItem(at: csv)
      #expect(MemoryLimitRunTests.leftoverCgroups(ofSupervisor: result.pid).isEmpty, "run \(attempt) left its cgroup")
      #expect(!hung, "run \(attempt) hung")
      #expect(result.status == 0, "run \(attempt): \(result.stdout)\(result.stderr)")
      if hung || result.status != 0 { break }
    }
  }
}

@Suite struct ClockTests {
  @Test func aDeadlineSaturatesInsteadOfTrapping() {
    #expect(Clock.after(.max, from: 5) == .max)
    #expect(Clock.after(10, from: 5) == 15)
  }
}

@Suite struct WorkerContractTests {
  @Test func aContractCarriesTheValidatedTextThroughItsDescriptor() throws {
    let text = "name: sealed\nabout: x\nsteps:\n  - hold: 1ms\n"
    var request = RunRequest(csvPath: "-")
    request.memoryLimit = "64MiB"
    var options = try RunOptions.resolve(
      try ScenarioParser.parse(yaml: text, file: "sealed.yaml"), request, environment: [:])
    options.allocator = .library("/opt/lib/libmimalloc.so")
    let contract = options.contract(for: try #require(options.scenario.processes.first), supervisor: 42)
    #expect(contract.scenarioText == text)
    let received = try WorkerContract.receive(from: try contract.seal())
    #expect(received == contract)
  }
}
