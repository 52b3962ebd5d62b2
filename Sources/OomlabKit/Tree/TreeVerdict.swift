import Glibc

/// How each process of a recorded tree ended, decided from evidence as a worker's end is.
struct TreeVerdict {
  /// One process's end.
  struct End {
    let member: TreeMember
    let outcome: Outcome
    let message: String?
    let kernelReport: KernelOomReport?
  }

  /// Every process, in the order found.
  let ends: [End]

  /// What tied OOM kills to processes when the kernel's pids could not, for the summary.
  let note: String?

  /// Decides every process's end.
  ///
  /// An OOM kill is decided by `OomEvidence`, as for run's workers. Node's `heap-oom` needs its fatal
  /// message on standard error, tied to the process by the pid V8 prints in its GC trace, or else to the
  /// one Node process that ended after the message, and an end by SIGABRT where the end is known.
  init(
    _ tree: ProcessTree, kernelLog: KernelLog?, cgroupKills: UInt64, cgroupPath: String?,
    fatalErrors: [NodeFatalError], start: UInt64, nodePids: Set<Int32>
  ) {
    let members = tree.members
    let ended = members.filter { !$0.isRunning }
    let evidence = OomEvidence(
      ended.map { OomEvidence.End(pid: $0.pid, waitStatus: $0.waitStatus, killedByOomlab: $0.stoppedBy != nil) },
      kernelLog: kernelLog, cgroupKills: cgroupKills, cgroupPath: cgroupPath)
    note = evidence.note
    var heapOoms: [Int32: NodeFatalError] = [:]
    for error in fatalErrors {
      let candidates = ended.filter { member in
        guard nodePids.contains(member.pid) || member.name.hasPrefix("node") else { return false }
        guard member.terminatingSignal == SIGABRT || member.waitStatus == nil else { return false }
        return heapOoms[member.pid] == nil
      }
      if let pid = error.pid, let member = candidates.first(where: { $0.pid == pid }) {
        heapOoms[member.pid] = error
        continue
      }
      // Without V8's trace, the Node process that ended soonest after the message, within 5 s.
      let said = Double(error.time &- start) / 1e9
      let after = candidates.filter { ($0.endedAt ?? -1) >= said - 1 && ($0.endedAt ?? .infinity) <= said + 5 }
      if let member = after.min(by: { abs(($0.endedAt ?? 0) - said) < abs(($1.endedAt ?? 0) - said) }) {
        heapOoms[member.pid] = error
      }
    }
    ends = members.map { member in
      let report = evidence.reports[member.pid]
      let (outcome, message) = Self.classify(
        member, oom: evidence.killed.contains(member.pid), heapOom: heapOoms[member.pid])
      return End(member: member, outcome: outcome, message: message, kernelReport: report)
    }
  }

  static func classify(_ member: TreeMember, oom: Bool, heapOom: NodeFatalError?) -> (Outcome, String?) {
    if member.stoppedBy == .simulatedLimit {
      return (.simulatedOomKill, "killed by oomlab: the tree's RSS reached the simulated limit and this was its largest process")
    }
    if oom { return (.oomKill, nil) }
    if let heapOom { return (.heapOom, heapOom.message) }
    if let stop = member.stoppedBy, member.terminatingSignal == SIGKILL || member.waitStatus == nil {
      let why: String
      switch stop {
      case .outlivedCommand: why = "it still ran when the command ended"
      case .timeout: why = "it still ran \(ExecOptions.grace / 1_000_000_000) s after the timeout's SIGTERM"
      case .interrupt: why = "it still ran \(ExecOptions.grace / 1_000_000_000) s after the interrupt was passed on"
      case .allocatorMissing: why = "the allocator asked for was not in the program"
      case .simulatedLimit: why = "the simulated limit was reached"
      }
      return (.signalled(SIGKILL), "killed by oomlab: \(why)")
    }
    if member.exitCode != nil { return (.completed, nil) }
    if let signal = member.terminatingSignal { return (.signalled(signal), nil) }
    if member.isRunning { return (.running, nil) }
    return (.exited, "its parent reaped it before oomlab could read how it ended")
  }

  /// The most telling end in the tree, beside the command's own: an OOM kill anywhere, then a
  /// simulated one, then Node's heap running out; nil when every process ended another way.
  var decisive: End? {
    victim.flatMap { $0.outcome.isMemoryEnd ? $0 : nil }
  }

  /// The process whose own end tells most (`Outcome.victim`); nil when none reached an end of its own.
  var victim: End? {
    Outcome.victim(among: ends, outcome: \.outcome, killedByOomlab: { $0.member.stoppedBy != nil })
  }

  /// The report lines of every process.
  func processes() -> [RunReport.ProcessReport] {
    ends.map { end in
      let member = end.member
      return RunReport.ProcessReport(
        name: member.name, pid: member.pid, ppid: member.parentPid, outcome: end.outcome,
        exitCode: member.exitCode, signal: member.terminatingSignal.map(SignalName.of), endedAtSeconds: member.endedAt,
        peaks: member.peaks, message: end.message, kernelReport: end.kernelReport?.line, trimUnsupported: 0,
        lastSample: end.outcome == .completed || end.outcome == .running ? nil : member.lastSample.map(Supervisor.cells))
    }
  }
}
