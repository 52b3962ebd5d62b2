import COomlabShim
import Foundation
import Glibc

extension Supervisor {
  /// Signals that end an `exec` run; the others oomlab receives are only passed on to the command.
  static let endingSignals: Set<Int32> = [SIGINT, SIGTERM, SIGHUP, SIGQUIT]

  /// Runs a real program under the run's limit and sampler, with every process it starts, to its end.
  ///
  /// The program gets oomlab's standard input, output and error (error copied through a pipe when
  /// Node's fatal message is watched for), oomlab's process group and the signals oomlab's caller
  /// gave it. oomlab becomes the subreaper of the tree, so orphans are reaped here and their ends
  /// known; the run ends when the command does, and processes it left running are killed, since
  /// the run owns the tree (its cgroup is removed, its record closed).
  package static func exec(_ options: ExecOptions) throws -> RunResult {
    SignalGate.install()
    let gate = SignalGate.shared
    // Every process of the tree is signalled through its pidfd only, never by a pid that may have been reused.
    let probe = oomlab_pidfd_open(getpid())
    guard probe >= 0 else {
      throw RunRefusal(
        status: .environment,
        description: "exec needs pidfd_open(2) (Linux 5.3 or later): \(ErrnoName.explain(errno))")
    }
    close(probe)
    // Set up the limit before anything is written, so a refusal leaves nothing behind; declared
    // first so that its cleanup runs after every process of the tree is dead.
    let enforcement = try options.limit.map { try LimitEnforcement.prepare(limit: $0, mode: options.enforce) }
    defer { enforcement?.tearDown() }
    let kernelLog = enforcement?.kernelLog ?? KernelLog()
    let csv = options.csv
    let inherited = ProcessInfo.processInfo.environment
    var added = options.environment
    var descriptors: [(from: Int32, to: Int32)] = []
    if let stdout = options.stdout {
      stdout.keep()
      if stdout.isRegular && ftruncate(stdout.descriptor, 0) != 0 { throw SystemError.file("truncate", stdout.path, errno) }
      descriptors.append((stdout.descriptor, STDOUT_FILENO))
    }
    var preload: NodePreload?
    var channel: NodeReportChannel?
    var tee: StderrTee?
    if options.node {
      let script = try NodePreload(directory: NodePreload.directory(environment: inherited))
      let reports = try NodeReportChannel()
      let copy = try StderrTee()
      added["NODE_OPTIONS"] = script.nodeOptions(appendingTo: inherited["NODE_OPTIONS"])
      // The write end keeps its own number in the command: a number oomlab holds cannot be one the
      // command inherited from oomlab's caller.
      added[NodePreload.descriptorVariable] = "\(reports.writeEnd)"
      added[NodePreload.inodeVariable] = "\(reports.inode)"
      added[NodePreload.intervalVariable] = String(format: "%g", Double(options.interval) / 1e6)
      descriptors.append((copy.writeEnd, STDERR_FILENO))
      descriptors.append((reports.writeEnd, reports.writeEnd))
      (preload, channel, tee) = (script, reports, copy)
    }
    // The preload is removed when the run is over, not when its last use here is.
    defer { withExtendedLifetime(preload) {} }
    // Orphans of the tree come to oomlab instead of init: their ends are then known, and the tree stays found.
    guard oomlab_set_child_subreaper() == 0 else { throw SystemError.call("prctl(PR_SET_CHILD_SUBREAPER)", errno) }
    var adjustment = options.oomScoreAdj
    if adjustment == nil, case .container? = enforcement?.kind {
      // The supervisor shares the container's limit: make sure the kernel picks the command.
      adjustment = 1000
    }

    let start = Clock.now()
    func elapsed() -> Double { Double(Clock.now() - start) / 1e9 }
    let pid = try CommandLauncher.spawn(
      executable: options.executable, arguments: options.command,
      environment: Self.environment(adding: added), descriptors: descriptors,
      cgroupProcs: enforcement?.joinedBeforeExec, oomScoreAdj: adjustment)
    tee?.closeWriteEnd()
    channel?.closeWriteEnd()
    tee?.start()
    let discovery: ProcessTree.Discovery =
      enforcement?.kind == .cgroup ? .cgroup(procs: enforcement?.joinedBeforeExec ?? "") : .descendants(of: getpid())
    let tree = ProcessTree(discovery, rollupInterval: max(options.interval, 500_000_000))
    // The command is oomlab's unreaped child: its pid cannot be reused, whatever state it is in.
    let root = tree.adopt(pid, parent: nil, at: 0, checkAlive: false)
    do {
      try Self.startRecording(csv)
    } catch {
      kill(pid, SIGKILL)
      throw error
    }

    var interrupt: Int32?
    var stopAt: UInt64?
    var timedOut = false
    let timeoutAt = options.timeout.map { Clock.after($0, from: start) }
    var preloadVerdict: Bool? = options.preloaded == nil ? true : nil
    let library = options.preloaded.flatMap { path -> String? in
      guard let resolved = realpath(path, nil) else { return path }
      defer { free(resolved) }
      return String(cString: resolved)
    }
    var allocatorFailure: String?
    var nodePids = Set<Int32>()
    var writeError: String?
    var rootStatus: Int32?

    /// Reaps every child that ended (the command, orphans of the tree); returns whether any child is left.
    @discardableResult
    func reap() -> Bool {
      while true {
        var status: Int32 = 0
        let child = waitpid(-1, &status, WNOHANG)
        if child < 0 && errno == EINTR { continue }
        guard child > 0 else { return !(child < 0 && errno == ECHILD) }
        if child == pid { rootStatus = status }
        tree.reaped(child, status: status, at: elapsed())
      }
    }
    var rootRunning: Bool { rootStatus == nil }
    func stopTree(_ reason: TreeMember.Stop, with signal: Int32) {
      for member in tree.running {
        if signal == SIGKILL && member.stoppedBy == nil { member.stoppedBy = reason }
        member.send(signal)
      }
      // The command, were it never sampled, is still oomlab's unreaped child: its pid is its own.
      if root == nil && rootRunning { kill(pid, signal) }
    }
    // The CSV's reader went away (`| head`): nobody is listening, so the command is asked to stop.
    func checkReader() {
      guard interrupt == nil, let signal = Self.readerWentAway(csv) else { return }
      interrupt = signal
      if rootRunning {
        if let root { root.send(SIGTERM) } else { kill(pid, SIGTERM) }
      }
      stopAt = Clock.after(ExecOptions.grace)
    }
    var live = LiveStatus()
    let commandName = options.command.first.map { String($0.split(separator: "/").last ?? Substring($0)) } ?? "exec"
    func tick(forceRollup: Bool) {
      let seconds = elapsed()
      tree.discover(at: seconds)
      channel?.drain()
      let reading = enforcement?.cgroup?.read()
      let now = Clock.now()
      let rows = tree.sample(at: seconds, now: now, forceRollup: forceRollup) { sample, member in
        sample.allocator = options.allocator?.description ?? ""
        sample.cgroup = reading
        if let limit = enforcement?.limit, let status = sample.status {
          sample.oomScoreCgroup = OomBadness.cgroupScore(
            rssBytes: status.rss, swapBytes: status.swap, pageTableBytes: status.pte,
            oomScoreAdj: sample.oomScoreAdj ?? 0, limitBytes: limit)
        }
        if let report = channel?.latest[member.pid], Self.isOwn(report, by: member, since: start) {
          sample.node = report
          sample.nodeReportAge = Double(now > report.time ? now - report.time : 0) / 1e9
          nodePids.insert(member.pid)
        }
      }
      if let line = options.statusLine, line.isEnabled {
        live = LiveStatus(seconds: seconds, samples: rows, limit: enforcement?.limit ?? options.limit)
        live.step = commandName
        line.update(live)
      }
      do {
        try csv.write(rows)
      } catch {
        // Said once: the writer records nothing more after a failure.
        if writeError == nil {
          writeError = "\(error)"
          FileIO.writeToStandardError("oomlab: \(error)\n")
        }
      }
      checkReader()
      if let enforcement, enforcement.kind == .simulated,
        let pid = SimulatedLimit.victim(of: rows, limit: enforcement.limit), let member = tree.member(pid)
      {
        member.stoppedBy = .simulatedLimit
        member.send(SIGKILL)
      }
      if preloadVerdict == nil, let root, rootRunning, let library,
        let maps = try? FileIO.read("/proc/\(root.pid)/maps")
      {
        preloadVerdict = PreloadCheck.decide(maps: maps, library: library)
        if preloadVerdict == false {
          allocatorFailure =
            "asked for \(options.allocator?.description ?? "?") but \(options.executable) does not have \(library) mapped "
            + "(it is statically linked, or LD_PRELOAD was removed from its environment): the run would not measure that allocator"
          stopTree(.allocatorMissing, with: SIGKILL)
        }
      }
    }
    func onInterrupt(_ signal: Int32) {
      // A terminal's Ctrl-C reached the command's process group too; a signal sent to oomlab alone is passed on.
      if !gate.lastInterruptFromKernel || getpgid(pid) != getpgrp() {
        if rootRunning {
          if let root { root.send(signal) } else { kill(pid, signal) }
        }
      }
      guard endingSignals.contains(signal) else { return }
      if interrupt == nil {
        interrupt = signal
        stopAt = min(stopAt ?? .max, Clock.after(ExecOptions.grace))
      } else {
        // Asked twice: no more waiting.
        stopTree(.interrupt, with: SIGKILL)
      }
    }
    func checkTimers() {
      let now = Clock.now()
      if let timeoutAt, now >= timeoutAt, !timedOut, interrupt == nil {
        timedOut = true
        // As timeout(1) signals its whole process group: every process of the tree.
        stopTree(.timeout, with: SIGTERM)
        stopAt = min(stopAt ?? .max, Clock.after(ExecOptions.grace))
      }
      if let due = stopAt, now >= due {
        stopAt = nil
        stopTree(interrupt != nil ? .interrupt : .timeout, with: SIGKILL)
      }
    }

    reap()
    tick(forceRollup: true)
    func nextTimer() -> UInt64 {
      let timeout = timedOut ? UInt64.max : (timeoutAt ?? .max)
      return min(stopAt ?? .max, timeout)
    }
    func handle(_ event: SignalGate.Event) {
      switch event {
      case .interrupt(let signal): onInterrupt(signal)
      case .childChanged: reap()
      case .timeout: break
      }
      checkTimers()
    }
    func settle() {
      checkTimers()
      reap()
    }
    SamplingLoop(interval: options.interval).run(
      while: { rootRunning }, wake: nextTimer, handle: handle, settle: settle, tick: { tick(forceRollup: false) })
    let duration = elapsed()

    // The command has ended; what it left running goes too, found until nothing of the tree is left.
    // Processes that ended since the last tick (a shell waits for its last child) are no leftovers.
    func markEnded() {
      for member in tree.running where member.hasExited {
        member.waitStatus = member.waitStatus ?? member.probe.exitStatus()
        member.endedAt = elapsed()
      }
    }
    markEnded()
    let leftovers = tree.running.filter { $0.pid != pid && $0.stoppedBy == nil }
    let cleanupDeadline = Clock.after(2_000_000_000)
    while true {
      tree.discover(at: elapsed())
      stopTree(.outlivedCommand, with: SIGKILL)
      let childrenLeft = reap()
      markEnded()
      if !childrenLeft && tree.running.isEmpty { break }
      guard Clock.now() < cleanupDeadline else { break }
      Clock.sleep(nanoseconds: 5_000_000)
    }
    let fatalErrors = tee?.finish(waitingUpTo: 2_000_000_000) ?? []
    // The peak heap is the fullest report of all, the last ones before a heap OOM included, not only those a row showed.
    channel?.drain()
    for member in tree.members {
      if let report = channel?.fullest[member.pid], Self.isOwn(report, by: member, since: start) {
        member.peaks.heapUsedBytes = max(member.peaks.heapUsedBytes, report.heapUsed)
      }
    }

    let verdict = TreeVerdict(
      tree, kernelLog: kernelLog, cgroupKills: enforcement?.killsSinceStart() ?? 0,
      cgroupPath: enforcement?.kernelPath, fatalErrors: fatalErrors, start: start, nodePids: nodePids)
    let rootEnd = verdict.ends.first { $0.member.pid == pid }
    let outcome: Outcome
    if allocatorFailure != nil {
      outcome = .failed
    } else if interrupt != nil {
      outcome = .interrupted
    } else if timedOut {
      outcome = .timedOut
    } else if let decisive = verdict.decisive {
      outcome = decisive.outcome
    } else {
      outcome = rootEnd?.outcome ?? Self.outcome(ofStatus: rootStatus)
    }
    let rootExit = WaitStatus.exitCode(rootStatus)
    let matched =
      options.expect.map { outcome.matches($0) && (outcome != .completed || rootExit == 0) }
      ?? (outcome == .completed && rootExit == 0)

    var notes = enforcement?.notes ?? []
    if let note = verdict.note { notes.append(note) }
    if let allocatorFailure { notes.append(allocatorFailure) }
    if let interrupt {
      notes.append(
        interrupt == SIGPIPE
          ? "the CSV's reader went away: the command was sent SIGTERM"
          : "\(SignalName.of(interrupt)) ended the run; the command got it "
            + (gate.lastInterruptFromKernel ? "from the terminal, with its process group" : "passed on by oomlab"))
    }
    if timedOut { notes.append(Self.timeoutNote(options.timeout, stopped: "every process of the tree was sent SIGTERM")) }
    if !leftovers.isEmpty {
      notes.append(
        "killed \(leftovers.count) process\(leftovers.count == 1 ? "" : "es") still running when the command ended: "
          + leftovers.prefix(8).map { "\($0.name) (\($0.pid))" }.joined(separator: ", ") + (leftovers.count > 8 ? ", ..." : ""))
    }
    if tree.unseen > 0 {
      notes.append("\(tree.unseen) process\(tree.unseen == 1 ? "" : "es") ended before a tick could sample it: no rows")
    }
    if options.tuning["malloc_conf"] != nil {
      notes.append("MALLOC_CONF was checked for its form only: a program's jemalloc cannot be asked from outside which values it took (it warns on the command's stderr)")
    }
    if options.node && nodePids.isEmpty {
      notes.append("no Node process reported its heap: node was not started, or started through child_process, which does not pass the report descriptor on")
    }
    let victim = outcome == .completed ? nil : verdict.victim.map { "\($0.member.name) (pid \($0.member.pid))" }
    var report = RunReport(
      scenario: commandName,
      file: options.executable, command: options.command, allocator: options.allocator?.description ?? "", allocatorPath: options.allocator?.libraryPath,
      tuning: options.tuning, limitBytes: enforcement?.limit ?? options.limit, heapLimitBytes: nil,
      enforcement: enforcement?.enforcement, outcome: outcome, expected: options.expect,
      matched: matched, durationSeconds: duration, csv: options.csv.path, csvIncomplete: options.csv.incompleteReason,
      intervalSeconds: Double(options.interval) / 1e9, processes: verdict.processes(), treePeakRssBytes: tree.peakTotalRss,
      treePeakAtSeconds: tree.peakTotalAt, victim: victim, notes: notes)

    // Written before the status is decided, which a summary that could not be written makes 3.
    let summaryWritten = Self.writeSummary(&report, to: options.summaryPath)
    let status = Self.status(
      interrupted: outcome == .interrupted, failed: allocatorFailure != nil || !summaryWritten, csv: options.csv,
      matched: matched)
    let exitCode: Int32
    if options.expect != nil {
      exitCode = status.rawValue
    } else if allocatorFailure != nil {
      exitCode = ExitStatus.environment.rawValue
    } else if interrupt == SIGPIPE {
      // oomlab stopped the command, as for a timeout: the status is the stop's, not the command's.
      exitCode = ExitStatus.interrupted.rawValue
    } else if timedOut {
      exitCode = ExecOptions.timedOutStatus
    } else if let code = WaitStatus.exitCode(rootStatus) {
      exitCode = code
    } else if let signal = WaitStatus.signal(rootStatus) {
      exitCode = 128 + signal
    } else {
      exitCode = ExitStatus.environment.rawValue
    }
    live.seconds = duration
    live.outcome = outcome.description
    options.statusLine?.finish(live)
    var result = RunResult(report: report, status: status, exitCode: exitCode)
    enforcement?.finish(&result)
    return result
  }

  /// Whether a Node report under the member's pid came from it, not from an earlier process whose pid it reuses.
  static func isOwn(_ report: NodeReport, by member: TreeMember, since start: UInt64) -> Bool {
    report.time >= UInt64(member.firstSeen * 1e9) &+ start &- 1_000_000_000
  }

  /// The outcome a wait status alone says.
  static func outcome(ofStatus status: Int32?) -> Outcome {
    guard let status else { return .exited }
    return WaitStatus.signal(status).map(Outcome.signalled) ?? .completed
  }
}
