import Foundation
import Glibc

extension Supervisor {
  /// Records a process that is already running, and every process it starts, without touching it:
  /// no limit, until it exits, the duration elapses or oomlab is interrupted.
  ///
  /// It is not oomlab's child, so waitpid cannot see it end: its pidfd does, and its exit status is
  /// read from /proc while it is a zombie, when its parent has not reaped it first. An end by SIGKILL
  /// with the kernel's `Killed process` line for that pid in /dev/kmsg is an `oom-kill`.
  package static func attach(_ options: AttachOptions) throws -> RunResult {
    SignalGate.install()
    let target = options.target
    let kernelLog = KernelLog()
    let tree = ProcessTree(.descendants(of: target.pid), rollupInterval: max(options.interval, 500_000_000))
    let start = Clock.now()
    func elapsed() -> Double { Double(Clock.now() - start) / 1e9 }
    guard let root = tree.adopt(target.pid, parent: nil, at: 0) else {
      throw RunRefusal(status: .badInput, description: "attach: pid \(target.pid) (\(target.name)) exited before recording began")
    }
    let watch = try ExitWatch(pidfd: target.pidfd)
    watch.start()
    defer { watch.stop() }
    let csv = options.csv
    try Self.startRecording(csv)
    var writeError: String?
    var interrupt: Int32?

    /// Marks the process ended the moment its pidfd says so, reading its status while it is a zombie.
    func checkRoot() {
      guard root.isRunning, root.hasExited else { return }
      root.waitStatus = root.probe.exitStatus()
      root.endedAt = elapsed()
    }
    func tick(forceRollup: Bool) {
      let seconds = elapsed()
      tree.discover(at: seconds)
      let rows = tree.sample(at: seconds, now: Clock.now(), forceRollup: forceRollup) { sample, _ in sample.allocator = "" }
      do {
        try csv.write(rows)
      } catch {
        if writeError == nil {
          writeError = "\(error)"
          FileIO.writeToStandardError("oomlab: \(error)\n")
        }
      }
      if interrupt == nil { interrupt = Self.readerWentAway(csv) }
    }

    let stopAt = options.duration.map { Clock.after($0, from: start) } ?? .max
    tick(forceRollup: true)
    SamplingLoop(interval: options.interval).run(
      while: { root.isRunning && interrupt == nil && Clock.now() < stopAt },
      wake: { stopAt },
      handle: { event in
        switch event {
        case .interrupt(let signal): interrupt = signal
        case .childChanged: checkRoot()
        case .timeout: break
        }
      },
      settle: checkRoot,
      tick: { tick(forceRollup: false) })
    let duration = elapsed()
    // Processes that ended since the last tick are marked so, not left to pass for running.
    for member in tree.running where member.hasExited {
      member.waitStatus = member.waitStatus ?? member.probe.exitStatus()
      member.endedAt = duration
    }

    let verdict = TreeVerdict(
      tree, kernelLog: kernelLog, cgroupKills: 0, cgroupPath: nil, fatalErrors: [], start: start, nodePids: [])
    let rootEnd = verdict.ends.first { $0.member.pid == target.pid }
    let outcome = rootEnd?.outcome ?? .exited
    var notes: [String] = []
    if kernelLog == nil {
      notes.append("/dev/kmsg is not readable: an OOM kill of pid \(target.pid) could not be seen, only an end by SIGKILL")
    }
    if let interrupt {
      notes.append(
        interrupt == SIGPIPE ? "the CSV's reader went away: recording stopped" : "\(SignalName.of(interrupt)) stopped the recording")
    }
    if root.isRunning { notes.append("pid \(target.pid) still runs: attach never signals the process it records") }
    notes.append("attach sets no limit and sees no runtime heap figures: the cgroup, worker and Node columns are empty")
    if tree.unseen > 0 {
      notes.append("\(tree.unseen) process\(tree.unseen == 1 ? "" : "es") ended before a tick could sample it: no rows")
    }
    var report = RunReport(
      scenario: target.name, file: target.executable, command: target.commandLine, allocator: "", tuning: [:],
      limitBytes: nil, heapLimitBytes: nil, enforcement: nil, outcome: outcome, expected: nil,
      matched: true, durationSeconds: duration, csv: csv.path, csvIncomplete: csv.incompleteReason,
      intervalSeconds: Double(options.interval) / 1e9, processes: verdict.processes(), treePeakRssBytes: tree.peakTotalRss,
      treePeakAtSeconds: tree.peakTotalAt, victim: outcome == .oomKill ? "\(target.name) (pid \(target.pid))" : nil,
      notes: notes)
    let summaryWritten = Self.writeSummary(&report, to: options.summaryPath)
    let status = Self.status(interrupted: interrupt != nil, failed: !summaryWritten, csv: csv, matched: true)
    return RunResult(report: report, status: status)
  }
}
