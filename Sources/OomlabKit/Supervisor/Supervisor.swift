import Foundation
import Glibc

/// Runs a scenario's workers, samples them from outside, records the CSV and decides the outcome.
package enum Supervisor {
  /// How long a worker may take to start and parse its scenario before it is given up on.
  static let startupTimeout: UInt64 = 30_000_000_000

  /// Blocks the signals a supervisor handles in this thread and every thread started after it.
  ///
  /// Call it first thing in a command that supervises, before anything can start a thread.
  package static func takeSignals() { SignalGate.install() }

  /// A terminating signal that arrived since the last run, taken so a loop of runs can stop.
  package static func pendingInterrupt() -> Int32? { SignalGate.shared.pendingInterrupt() }

  /// Runs the scenario described by `options` to its end.
  package static func run(_ options: RunOptions) throws -> RunResult {
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
    if let enforcement, case .container = enforcement.kind, enforcement.limit != options.limit,
      let share = options.limitShares.first
    {
      // Resolved against the container's limit the shares would make another scenario than the one
      // validated and asked for; against the requested one they would not be shares of what binds.
      throw RunRefusal(
        status: .environment,
        description: "\(share) is a share of the memory limit, but \(enforcement.fallbackNote ?? "the container's limit binds"): "
          + "give the container's limit as --memory-limit, or sizes instead of shares")
    }
    let csv = options.csv
    try Self.startRecording(csv)
    let start = Clock.now()
    func elapsed() -> Double { Double(Clock.now() - start) / 1e9 }

    var workers: [WorkerHandle] = []
    // Whatever happens below, no worker outlives the supervisor's run.
    defer { for worker in workers where worker.isRunning { worker.kill(at: elapsed()) } }
    let environment = Self.environment(adding: options.workerEnvironment)
    for process in scenario.processes {
      let page = try SharedPage.create()
      let contract = try options.contract(for: process, supervisor: getpid()).seal()
      defer { close(contract) }
      let pid = try WorkerLauncher.spawn(
        executable: options.executable, environment: environment, page: page, contract: contract,
        cgroupProcs: enforcement?.joinedBeforeExec)
      workers.append(WorkerHandle(name: process.name, pid: pid, page: page))
    }
    func reapAll() { workers.forEach { _ = $0.reap(at: elapsed()) } }

    var interrupted: Int32?
    // Checked after every write of rows, so that the loop ends at once.
    func checkReader() {
      if interrupted == nil { interrupted = Self.readerWentAway(csv) }
    }
    // The timeout counts from the start of the run, the workers' start-up included.
    let timeoutAt = options.timeout.map { Clock.after($0, from: start) } ?? .max
    var timedOut = false
    // Wait until every worker has parsed its scenario and mapped the page, or died trying;
    // a worker wakes the gate with SIGCHLD when it is ready.
    let readyDeadline = min(Clock.after(startupTimeout), timeoutAt)
    while workers.contains(where: { $0.isRunning && $0.page.state == .starting }) {
      let now = Clock.now()
      guard now < readyDeadline else { break }
      if case .interrupt(let signal) = gate.wait(nanoseconds: min(readyDeadline - now, 100_000_000)) {
        interrupted = signal
        break
      }
      reapAll()
    }
    timedOut = Clock.now() >= timeoutAt && workers.contains(where: { $0.isRunning })
    for worker in workers where worker.isRunning {
      if worker.page.state == .starting {
        // Neither the run's timeout nor an interrupt: the start-up's own deadline, a failure to run.
        worker.killedAtStartup = !timedOut && interrupted == nil
        worker.kill(at: elapsed())
      }
      worker.probe = try? ProcessProbe(pid: worker.pid, rollupInterval: max(options.interval, 500_000_000))
    }

    if let enforcement {
      for worker in workers where worker.isRunning { try enforcement.admit(worker.pid) }
    }
    // The workers share the simulated limit: at their RSS summed >= limit, the largest is killed.
    func enforceSimulatedLimit(at seconds: Double) {
      guard let enforcement, enforcement.kind == .simulated else { return }
      let running = workers.filter(\.isRunning)
      guard let pid = SimulatedLimit.victim(of: running.compactMap(\.lastSample), limit: enforcement.limit),
        let worker = running.first(where: { $0.pid == pid })
      else { return }
      worker.killedBySimulatedLimit = true
      worker.kill(at: seconds)
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
      enforceSimulatedLimit(at: seconds)
      checkReader()
    }
    var status = LiveStatus()
    func showStatus() {
      guard let line = options.statusLine, line.isEnabled else { return }
      let running = workers.filter(\.isRunning).compactMap(\.lastSample)
      status = LiveStatus(
        seconds: elapsed(), samples: running, limit: enforcement?.limit ?? options.limit, stepNames: scenario.stepNames)
      line.update(status)
    }
    // A worker waiting at a step's start or end gets its row now, measured as the step found or left it.
    func sampleBoundaries() {
      let waiting = workers.filter { $0.isRunning && $0.page.state == .running }
        .compactMap { worker in StepBoundary.pending(on: worker.page).map { (worker, $0) } }
      guard !waiting.isEmpty else { return }
      let now = Clock.now()
      let seconds = Double(now - start) / 1e9
      let reading = enforcement?.cgroup?.read()
      for (worker, boundary) in waiting {
        sample(
          worker, scenario: scenario, allocatorName: options.allocator.description, seconds: seconds, at: now, csv: csv,
          forceRollup: false, cgroup: reading, enforcement: enforcement, boundary: boundary)
        boundary.release(on: worker.page)
      }
      enforceSimulatedLimit(at: seconds)
      checkReader()
    }
    if interrupted == nil {
      sampleAll(workers.filter(\.isRunning), forceRollup: true)
      showStatus()
      for worker in workers where worker.isRunning { worker.page.store(.go, 1) }
    }

    SamplingLoop(interval: options.interval).run(
      while: { interrupted == nil && !timedOut && workers.contains(where: { $0.isRunning }) },
      wake: { timeoutAt },
      handle: { event in
        if case .interrupt(let signal) = event { interrupted = signal }
        // A worker died, or finished its steps and waits for its `end` row: the last row never waits for the interval.
        guard event == .childChanged else { return }
        reapAll()
        sampleBoundaries()
        sampleAll(workers.filter { $0.isRunning && !$0.acknowledged && $0.page.state == .completed }, forceRollup: true)
      },
      // Reaped on every tick too: a SIGCHLD can be merged with another or taken by a wait elsewhere.
      settle: {
        guard interrupted == nil else { return }
        reapAll()
        sampleBoundaries()
        timedOut = Clock.now() >= timeoutAt && workers.contains(where: { $0.isRunning })
      },
      tick: {
        // A worker that has had its `end` row is exiting: it gets no second one.
        sampleAll(workers.filter { $0.isRunning && !$0.acknowledged }, forceRollup: false)
        showStatus()
      })
    if timedOut {
      // The CSV ends with the workers as the timeout found them.
      sampleAll(workers.filter { $0.isRunning && !$0.acknowledged }, forceRollup: true)
    }
    checkReader()
    for worker in workers where worker.isRunning { worker.kill(at: elapsed()) }

    var result = Self.report(
      workers, scenario: scenario, options: options, interrupted: interrupted, timedOut: timedOut,
      duration: elapsed(), enforcement: enforcement)
    if interrupted == SIGPIPE { result.report.notes.append("the CSV's reader went away: the run stopped there, its workers still running killed") }
    status.seconds = result.report.durationSeconds
    status.outcome = result.report.outcome.description
    options.statusLine?.finish(status)
    if !Self.writeSummary(&result.report, to: options.summaryPath) {
      result.status = Self.status(interrupted: result.status == .interrupted, failed: true, csv: csv, matched: false)
      result.exitCode = result.status.rawValue
    }
    enforcement?.finish(&result)
    return result
  }

  /// Samples one worker and writes its row, whose time is `seconds` into the run and `now` on CLOCK_MONOTONIC:
  /// a `start` row before its first step, an `end` row once it has run them all, a row of the step boundary it
  /// waits at, else a `tick`.
  static func sample(
    _ worker: WorkerHandle, scenario: Scenario, allocatorName: String, seconds: Double, at now: UInt64, csv: CSVWriter,
    forceRollup: Bool, cgroup: CgroupReading?, enforcement: LimitEnforcement?, boundary: StepBoundary? = nil
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
    sample.unixTime = Clock.unixSeconds()
    sample.process = worker.name
    sample.pid = worker.pid
    sample.allocator = allocatorName
    // The worker's own figures first, the kernel's after: what the worker says it has mapped or touched is
    // then already in the kernel's reading of the same row, even when it maps between the two (a region
    // counted as reserved with a VmSize that lacks it would contradict itself).
    sample.counters = worker.page.snapshot()
    guard probe.read(into: &sample, now: Clock.now(), forceRollup: forceRollup || state == .completed) else { return }
    // A reading published after the row's time but before the snapshot is as fresh as the row.
    if let takenAt = sample.allocatorValue(.allocatorStatsTakenAt), takenAt > 0 {
      sample.allocatorAge = Double(now > takenAt ? now - takenAt : 0) / 1e9
    }
    // At a boundary the step is the boundary's: a `repeat` ends while its last nested step is published.
    let stepPlusOne = boundary.map { $0.stepIndex + 1 } ?? Int(sample.counter(.stepIndexPlusOne) ?? 0)
    if stepPlusOne > 0 && stepPlusOne <= scenario.stepKinds.count {
      sample.stepIndex = stepPlusOne - 1
      sample.step = scenario.stepKinds[stepPlusOne - 1]
      sample.stepName = scenario.stepNames[stepPlusOne - 1] ?? ""
    }
    sample.row = boundary?.kind ?? (state == .ready ? .start : .tick)
    if state == .completed {
      sample.step = "end"
      sample.stepName = ""
      sample.row = .end
    }
    sample.cgroup = cgroup
    if let limit = enforcement?.limit, let status = sample.status {
      sample.oomScoreCgroup = OomBadness.cgroupScore(
        rssBytes: status.rss, swapBytes: status.swap, pageTableBytes: status.pte, oomScoreAdj: sample.oomScoreAdj ?? 0,
        limitBytes: limit)
    }
    do {
      try csv.write(sample)
    } catch {
      FileIO.writeToStandardError("oomlab: \(error)\n")
    }
    worker.peaks.update(sample)
    worker.lastSample = sample
  }

  static func environment(adding extra: [String: String]) -> [String] {
    var variables = ProcessInfo.processInfo.environment
    for (key, value) in extra { variables[key] = value }
    return variables.map { "\($0.key)=\($0.value)" }.sorted()
  }
}
