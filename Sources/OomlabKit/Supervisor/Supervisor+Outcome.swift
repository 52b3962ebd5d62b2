import Foundation
import Glibc

extension Supervisor {
  /// Decides how one worker ended from its wait status and what it published before it ended.
  static func classify(_ worker: WorkerHandle, interrupted: Bool, timedOut: Bool, oomConfirmed: Bool) -> (Outcome, String?) {
    let state = worker.page.state
    let message = worker.page.message()
    if let code = worker.exitCode {
      switch (code, state) {
      case (WorkerExit.completed.rawValue, .completed): return (.completed, nil)
      case (WorkerExit.allocationFailed.rawValue, _): return (.allocFailure, message)
      default: return (.failed, message ?? "the worker exited with status \(code) in state \(state)")
      }
    }
    guard let signal = worker.terminatingSignal else { return (.failed, "the worker's end is unknown") }
    if worker.killedAtStartup { return (.failed, "did not start within \(startupTimeout / 1_000_000_000) s: killed") }
    if signal == SIGKILL && worker.killedBySimulatedLimit { return (.simulatedOomKill, "killed by the supervisor at RSS >= the simulated limit") }
    if signal == SIGKILL && oomConfirmed { return (.oomKill, nil) }
    if interrupted && signal == SIGKILL { return (.interrupted, nil) }
    if timedOut && signal == SIGKILL { return (.timedOut, nil) }
    if signal == SIGABRT && state == .heapOutOfMemory { return (.heapOom, message) }
    return (.signalled(signal), message)
  }

  /// Builds the report and the exit status from every worker's end.
  static func report(
    _ workers: [WorkerHandle], scenario: Scenario, options: RunOptions, interrupted: Int32?, timedOut: Bool,
    duration: Double, enforcement: LimitEnforcement?
  ) -> RunResult {
    let evidence = OomEvidence(
      workers.map { OomEvidence.End(pid: $0.pid, waitStatus: $0.waitStatus, killedByOomlab: $0.killedBySupervisor) },
      kernelLog: enforcement?.kernelLog, cgroupKills: enforcement?.killsSinceStart() ?? 0,
      cgroupPath: enforcement?.kernelPath)
    let kernelReports = evidence.reports
    var outcomes: [(WorkerHandle, Outcome, String?)] = []
    for worker in workers {
      let (outcome, message) = classify(
        worker, interrupted: interrupted != nil, timedOut: timedOut, oomConfirmed: evidence.killed.contains(worker.pid))
      outcomes.append((worker, outcome, message))
    }
    // The victim is the worker whose own end tells most; one the supervisor stopped is none.
    let victim = Outcome.victim(among: outcomes, outcome: { $0.1 }, killedByOomlab: { $0.0.killedBySupervisor })
    // What ended the run from outside is its outcome, whatever the workers reached before.
    let outcome =
      interrupted != nil
      ? Outcome.interrupted
      : timedOut ? .timedOut : (victim?.1 ?? outcomes.first { $0.1 != .completed }?.1 ?? .completed)
    let anyFailed = outcomes.contains { $0.1 == .failed }
    let matched = !anyFailed && (scenario.expect.map { outcome.matches($0) } ?? (outcome == .completed))
    let processes = outcomes.map { worker, outcome, message in
      RunReport.ProcessReport(
        name: worker.name, pid: worker.pid, outcome: outcome, exitCode: worker.exitCode,
        signal: worker.terminatingSignal.map(SignalName.of), endedAtSeconds: worker.endedAt, peaks: worker.peaks,
        message: message, kernelReport: kernelReports[worker.pid]?.line, trimUnsupported: worker.page.load(.trimUnsupported), lastSample: outcome == .completed ? nil : worker.lastSample.map(Self.cells))
    }
    let report = RunReport(
      scenario: scenario.name, file: scenario.file, allocator: options.allocator.description, allocatorPath: options.allocator.libraryPath, tuning: options.tuning,
      limitBytes: enforcement?.limit ?? options.limit, heapLimitBytes: options.heapLimit, enforcement: enforcement?.enforcement, outcome: outcome, expected: scenario.expect,
      matched: matched, durationSeconds: duration, csv: options.csvPath, csvIncomplete: options.csv.incompleteReason,
      intervalSeconds: Double(options.interval) / 1e9, processes: processes,
      victim: outcome == .completed ? nil : victim?.0.name,
      notes: (enforcement?.notes ?? []) + (evidence.note.map { [$0] } ?? []) + (timedOut ? [Self.timeoutNote(options.timeout, stopped: "the workers still running were killed")] : []))
    // A process that could not run (no CAP_SYS_RESOURCE for its oom_score_adj, say) is a failure to run.
    let status = Self.status(interrupted: outcome == .interrupted, failed: anyFailed, csv: options.csv, matched: matched)
    return RunResult(report: report, status: status)
  }

  /// What the summary says of a timeout that ended a run: which limit was reached, and what was done.
  static func timeoutNote(_ timeout: UInt64?, stopped: String) -> String {
    "timeout \(String(format1: Double(timeout ?? 0) / 1e9)) s reached: \(stopped)"
  }

  /// A sample as column name to cell, for the summary.
  static func cells(_ sample: Sample) -> [String: CSVValue] {
    Dictionary(uniqueKeysWithValues: CSVSchema.columns.map { ($0.name, $0.value(sample)) })
  }

  /// Writes the JSON summary whole or not at all (`OutputFile.replace`), or to standard output for `-`.
  static func writeJSON(_ report: RunReport, to path: String) throws {
    let bytes = Array(try report.json()) + [0x0A]
    guard path == "-" else { return try OutputFile.replace(path, with: bytes, flag: "--summary") }
    if let code = FileIO.writeAll(STDOUT_FILENO, bytes).errno {
      throw SystemError.file("write the summary to", "standard output", code)
    }
  }
}
