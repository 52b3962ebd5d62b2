import Foundation
import Glibc

/// Runs a scenario's workers, samples them from outside, records the CSV and decides the outcome.
public enum Supervisor {
  /// How long a worker may take to start and parse its scenario before it is given up on.
  static let startupTimeout: UInt64 = 30_000_000_000

  /// Runs the scenario described by `options` to its end.
  public static func run(_ options: RunOptions) throws -> (RunReport, ExitStatus) {
    let gate = SignalGate()
    let scenario = options.scenario
    // Set up the limit before anything is written, so a refusal leaves nothing behind;
    // declared first so that its cleanup runs after every worker is dead.
    let enforcement = try options.limit.map { try LimitEnforcement.prepare(limit: $0, mode: options.enforce) }
    defer { enforcement?.tearDown() }
    let csv = options.csv
    try csv.start()
    let start = Clock.now()
    func elapsed() -> Double { Double(Clock.now() - start) / 1e9 }

    var workers: [WorkerHandle] = []
    // Whatever happens below, no worker outlives the supervisor's run.
    defer { for worker in workers where worker.isRunning { worker.kill(at: elapsed()) } }
    let environment = Self.environment(adding: options.workerEnvironment)
    for process in scenario.processes {
      let page = try SharedPage.create()
      var arguments = [
        "__worker", "--scenario", scenario.file, "--process", process.name,
        "--shared-fd", "\(WorkerLauncher.sharedDescriptor)", "--supervisor", "\(getpid())",
      ]
      if let limit = options.limit { arguments += ["--limit", "\(limit)"] }
      arguments += options.workerArguments
      let pid = try WorkerLauncher.spawn(
        executable: options.executable ?? WorkerLauncher.currentExecutable(), arguments: arguments,
        environment: environment, page: page)
      workers.append(WorkerHandle(name: process.name, pid: pid, page: page))
    }

    var interrupted: Int32?
    // Wait until every worker has parsed its scenario and mapped the page, or died trying.
    let readyDeadline = Clock.now() + startupTimeout
    while workers.contains(where: { $0.isRunning && $0.page.state == .starting }) {
      if case .interrupt(let signal) = gate.wait(nanoseconds: 1_000_000) { interrupted = signal; break }
      workers.forEach { _ = $0.reap(at: elapsed()) }
      if Clock.now() > readyDeadline { break }
    }
    for worker in workers where worker.isRunning {
      if worker.page.state == .starting { worker.kill(at: elapsed()) }
      worker.probe = try? ProcessProbe(pid: worker.pid, rollupInterval: max(options.interval, 500_000_000))
    }

    if let enforcement {
      for worker in workers where worker.isRunning { try enforcement.admit(worker.pid) }
    }
    if interrupted == nil {
      let reading = enforcement?.cgroup?.read()
      for worker in workers where worker.isRunning {
        sample(worker, scenario: scenario, allocatorName: options.allocator.description, seconds: elapsed(), csv: csv, forceRollup: true, cgroup: reading, enforcement: enforcement)
      }
      for worker in workers where worker.isRunning { worker.page.store(.go, 1) }
    }

    var deadline = Clock.now()
    while interrupted == nil && workers.contains(where: { $0.isRunning }) {
      deadline += options.interval
      var tick = false
      while !tick {
        let now = Clock.now()
        guard now < deadline else { tick = true; break }
        switch gate.wait(nanoseconds: deadline - now) {
        case .interrupt(let signal): interrupted = signal
        case .childChanged:
          workers.forEach { _ = $0.reap(at: elapsed()) }
          if !workers.contains(where: { $0.isRunning }) { tick = true }
        case .timeout: tick = true
        }
        if interrupted != nil { break }
      }
      if interrupted != nil { break }
      let seconds = elapsed()
      let reading = enforcement?.cgroup?.read()
      for worker in workers where worker.isRunning {
        sample(worker, scenario: scenario, allocatorName: options.allocator.description, seconds: seconds, csv: csv, forceRollup: false, cgroup: reading, enforcement: enforcement)
      }
      // A tick that overran (a slow smaps_rollup, a stopped machine) does not cause a burst of catch-up samples.
      if Clock.now() > deadline + options.interval { deadline = Clock.now() }
    }
    for worker in workers where worker.isRunning { worker.kill(at: elapsed()) }

    let report = Self.report(
      workers, scenario: scenario, options: options, interrupted: interrupted, duration: elapsed(),
      enforcement: enforcement)
    if let path = options.summaryPath { try Self.writeJSON(report.0, to: path) }
    return report
  }

  /// Samples one worker and writes its row; the row of a finished worker is labelled `end`.
  static func sample(
    _ worker: WorkerHandle, scenario: Scenario, allocatorName: String, seconds: Double, csv: CSVWriter, forceRollup: Bool,
    cgroup: CgroupReading?, enforcement: LimitEnforcement?
  ) {
    guard let probe = worker.probe else { return }
    let state = worker.page.state
    var sample = Sample()
    sample.seconds = seconds
    sample.process = worker.name
    sample.pid = worker.pid
    sample.allocator = allocatorName
    guard probe.read(into: &sample, now: Clock.now(), forceRollup: forceRollup || state == .completed) else { return }
    sample.counters = SharedCounter.allCases.map { worker.page.load($0) }
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
      return
    }
    if state == .completed && !worker.acknowledged {
      worker.acknowledged = true
      worker.page.store(.acknowledged, 1)
    }
  }

  static func environment(adding extra: [String: String]) -> [String] {
    var variables = ProcessInfo.processInfo.environment
    for (key, value) in extra { variables[key] = value }
    return variables.map { "\($0.key)=\($0.value)" }.sorted()
  }
}
