import Foundation
import Glibc

/// Runs a scenario's workers, samples them from outside, records the CSV and decides the outcome.
public enum Supervisor {
  /// How long a worker may take to start and parse its scenario before it is given up on.
  static let startupTimeout: UInt64 = 30_000_000_000

  /// Blocks the signals a supervisor handles in this thread and every thread started after it.
  ///
  /// Call it first thing in a command that supervises, before anything can start a thread.
  public static func takeSignals() { SignalGate.install() }

  /// A terminating signal that arrived since the last run, taken so a loop of runs can stop.
  public static func pendingInterrupt() -> Int32? { SignalGate.shared.pendingInterrupt() }

  /// Runs the scenario described by `options` to its end.
  public static func run(_ options: RunOptions) throws -> (RunReport, ExitStatus) {
    // Normally done by the command before any thread exists; here it only makes sure.
    SignalGate.install()
    let gate = SignalGate.shared
    let scenario = options.scenario
    // Set up the limit before anything is written, so a refusal leaves nothing behind;
    // declared first so that its cleanup runs after every worker is dead.
    let enforcement = try options.limit.map {
      try LimitEnforcement.prepare(limit: $0, mode: options.enforce, oomGroup: options.oomGroup)
    }
    defer { enforcement?.tearDown() }
    let csv = options.csv
    try csv.start()
    let start = Clock.now()
    func elapsed() -> Double { Double(Clock.now() - start) / 1e9 }

    var workers: [WorkerHandle] = []
    // Whatever happens below, no worker outlives the supervisor's run.
    defer { for worker in workers where worker.isRunning { worker.kill(at: elapsed()) } }
    let environment = Self.environment(adding: options.workerEnvironment)
    let executable = options.executable ?? WorkerLauncher.currentExecutable()
    for process in scenario.processes {
      let page = try SharedPage.create()
      let contract = try options.contract(for: process, supervisor: getpid()).seal()
      defer { close(contract) }
      let pid = try WorkerLauncher.spawn(
        executable: executable, environment: environment, page: page, contract: contract,
        cgroupProcs: enforcement?.joinedBeforeExec)
      workers.append(WorkerHandle(name: process.name, pid: pid, page: page))
    }
    func reapAll() { workers.forEach { _ = $0.reap(at: elapsed()) } }

    var interrupted: Int32?
    // Wait until every worker has parsed its scenario and mapped the page, or died trying;
    // a worker wakes the gate with SIGCHLD when it is ready.
    let readyDeadline = Clock.after(startupTimeout)
    while workers.contains(where: { $0.isRunning && $0.page.state == .starting }) {
      let now = Clock.now()
      guard now < readyDeadline else { break }
      if case .interrupt(let signal) = gate.wait(nanoseconds: min(readyDeadline - now, 100_000_000)) {
        interrupted = signal
        break
      }
      reapAll()
    }
    for worker in workers where worker.isRunning {
      if worker.page.state == .starting { worker.kill(at: elapsed()) }
      worker.probe = try? ProcessProbe(pid: worker.pid, rollupInterval: max(options.interval, 500_000_000))
    }

    if let enforcement {
      for worker in workers where worker.isRunning { try enforcement.admit(worker.pid) }
    }
    func sampleAll(_ chosen: [WorkerHandle], forceRollup: Bool) {
      let now = Clock.now()
      let seconds = Double(now - start) / 1e9
      let reading = enforcement?.cgroup?.read()
      for worker in chosen {
        sample(
          worker, scenario: scenario, allocatorName: options.allocator.description, seconds: seconds, at: now, csv: csv,
          forceRollup: forceRollup, cgroup: reading, enforcement: enforcement)
      }
    }
    if interrupted == nil {
      sampleAll(workers.filter(\.isRunning), forceRollup: true)
      for worker in workers where worker.isRunning { worker.page.store(.go, 1) }
    }

    var deadline = Clock.now()
    while interrupted == nil && workers.contains(where: { $0.isRunning }) {
      deadline = Clock.after(options.interval, from: deadline)
      // Sleep until the tick; SIGCHLD (a worker died, or finished its steps and waits for its
      // `end` row) ends the sleep early, so the last row never waits for the interval.
      while interrupted == nil, case let now = Clock.now(), now < deadline {
        let event = gate.wait(nanoseconds: deadline - now)
        if case .interrupt(let signal) = event { interrupted = signal }
        guard event == .childChanged else { break }
        reapAll()
        sampleAll(workers.filter { $0.isRunning && !$0.acknowledged && $0.page.state == .completed }, forceRollup: true)
        if !workers.contains(where: { $0.isRunning }) { break }
      }
      if interrupted != nil { break }
      // Reaped on every tick too: a SIGCHLD can be merged with another or taken by a wait elsewhere.
      reapAll()
      // A worker that has had its `end` row is exiting: it gets no second one.
      sampleAll(workers.filter { $0.isRunning && !$0.acknowledged }, forceRollup: false)
      // The CSV's reader went away (`| head`): nobody is listening, so the run ends as interrupted.
      if csv.failure?.errno == EPIPE { interrupted = SIGPIPE }
      // A tick that overran (a slow smaps_rollup, a stopped machine) does not cause a burst of catch-up samples.
      if Clock.now() > Clock.after(options.interval, from: deadline) { deadline = Clock.now() }
    }
    for worker in workers where worker.isRunning { worker.kill(at: elapsed()) }

    let report = Self.report(
      workers, scenario: scenario, options: options, interrupted: interrupted, duration: elapsed(),
      enforcement: enforcement)
    if let path = options.summaryPath { try Self.writeJSON(report.0, to: path) }
    return report
  }

  /// Samples one worker and writes its row, whose time is `seconds` into the run and `now` on
  /// CLOCK_MONOTONIC; the row of a finished worker is labelled `end`.
  static func sample(
    _ worker: WorkerHandle, scenario: Scenario, allocatorName: String, seconds: Double, at now: UInt64, csv: CSVWriter,
    forceRollup: Bool,
    cgroup: CgroupReading?, enforcement: LimitEnforcement?
  ) {
    let state = worker.page.state
    // Whatever the probe manages, a finished worker is released: it waits for this before exiting.
    defer {
      if state == .completed && !worker.acknowledged && worker.isRunning {
        worker.acknowledged = true
        worker.page.store(.acknowledged, 1)
      }
    }
    guard let probe = worker.probe else { return }
    var sample = Sample()
    sample.seconds = seconds
    sample.process = worker.name
    sample.pid = worker.pid
    sample.allocator = allocatorName
    guard probe.read(into: &sample, now: Clock.now(), forceRollup: forceRollup || state == .completed) else { return }
    sample.counters = worker.page.snapshot()
    // A reading published after the row's time but before the snapshot is as fresh as the row.
    if let takenAt = sample.allocatorValue(.allocatorStatsTakenAt), takenAt > 0 {
      sample.allocatorAge = Double(now > takenAt ? now - takenAt : 0) / 1e9
    }
    let stepPlusOne = Int(sample.counter(.stepIndexPlusOne) ?? 0)
    if stepPlusOne > 0 && stepPlusOne <= scenario.stepKinds.count {
      sample.stepIndex = stepPlusOne - 1
      sample.step = scenario.stepKinds[stepPlusOne - 1]
    }
    if state == .completed { sample.step = "end" }
    sample.cgroup = cgroup
    if let limit = enforcement?.limit, let status = sample.status {
      sample.oomScoreCgroup = OomBadness.cgroupScore(
        rssBytes: status.rss, swapBytes: status.swap, pageTableBytes: status.pte, oomScoreAdj: sample.oomScoreAdj ?? 0,
        limitBytes: limit)
    }
    do {
      try csv.write(sample)
    } catch {
      FileHandle.standardError.write(Data("oomlab: \(error)\n".utf8))
    }
    worker.peaks.update(sample)
    worker.lastSample = sample
    if let enforcement, enforcement.kind == .simulated, let rss = sample.status?.rss, rss >= enforcement.limit {
      worker.killedBySimulatedLimit = true
      worker.kill(at: seconds)
    }
  }

  static func environment(adding extra: [String: String]) -> [String] {
    var variables = ProcessInfo.processInfo.environment
    for (key, value) in extra { variables[key] = value }
    return variables.map { "\($0.key)=\($0.value)" }.sorted()
  }
}
