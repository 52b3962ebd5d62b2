import Glibc

/// Which processes of a run the kernel's OOM killer ended, decided once for run and exec alike.
///
/// An OOM kill needs an end by SIGKILL that oomlab did not send, and then the kernel's own `Killed process`
/// line for that pid. Where the kernel's pids are not this pid namespace's (a container), its line is tied
/// to the run instead by the victim's cgroup (`task_memcg`) being the run's; where /dev/kmsg cannot be read
/// or names no cgroup, by the cgroup's oom_kill counter having risen at least once per such death.
struct OomEvidence {
  /// A process that ended, as the evidence needs it.
  struct End {
    let pid: Int32
    /// Its wait status; nil when another parent reaped it before oomlab could read it.
    let waitStatus: Int32?
    /// Whether oomlab itself killed it (a timeout, an interrupt, a simulated limit, a failed start).
    let killedByOomlab: Bool

    /// Whether it died of a SIGKILL that oomlab did not send.
    var diedOfForeignKill: Bool { !killedByOomlab && WaitStatus.signal(waitStatus) == SIGKILL }
  }

  /// The pids the OOM killer ended.
  private(set) var killed: Set<Int32> = []
  /// The kernel's report for each of them, where one could be tied to it.
  private(set) var reports: [Int32: KernelOomReport] = [:]
  /// What tied the kills to the processes when the kernel's pids could not, for the summary.
  private(set) var note: String?

  /// How long the kernel may take to print its line after the SIGKILL: a supervisor can reap the victim first.
  static let kernelLineWait: UInt64 = 500_000_000

  /// Decides which of `ends` were OOM kills; `cgroupPath` is the run's memory cgroup as the kernel names it
  /// (relative to the hierarchy's root), `cgroupKills` its oom_kill counter's rise during the run.
  init(
    _ ends: [End], kernelLog: KernelLog?, cgroupKills: UInt64, cgroupPath: String?,
    kernelPidsAreOurs: Bool = KernelLog.pidsAreOurs
  ) {
    let sigkilled = ends.filter(\.diedOfForeignKill)
    // One wait for the whole run, however many processes died.
    let deadline = Clock.now() &+ (sigkilled.isEmpty ? 0 : Self.kernelLineWait)
    func remaining() -> UInt64 { deadline &- min(Clock.now(), deadline) }
    if let kernelLog, kernelPidsAreOurs {
      // A process whose end another parent read may still have the kernel's line for its pid.
      for end in ends where end.diedOfForeignKill || (end.waitStatus == nil && !end.killedByOomlab) {
        let wait = end.diedOfForeignKill ? remaining() : 0
        if let report = kernelLog.oomReport(for: end.pid, waitingUpTo: wait) {
          reports[end.pid] = report
          killed.insert(end.pid)
        }
      }
      return
    }
    guard !sigkilled.isEmpty else { return }
    var tiedByCgroup: [KernelOomReport] = []
    if let kernelLog, let cgroupPath, Self.isSpecific(cgroupPath) {
      while true {
        kernelLog.drain()
        tiedByCgroup = kernelLog.reports.filter { Self.names(cgroupPath, $0.taskCgroup ?? $0.memoryCgroup) }
        if tiedByCgroup.count >= sigkilled.count || remaining() == 0 { break }
        Clock.sleep(nanoseconds: min(remaining(), 10_000_000))
      }
    }
    let evidence: String
    if sigkilled.count <= tiedByCgroup.count {
      evidence = "the kernel's `Killed process` line naming the run's cgroup (\(cgroupPath ?? ""))"
    } else if sigkilled.count <= Int(cgroupKills) {
      evidence = "the cgroup's oom_kill counter, which rose \(cgroupKills) time\(cgroupKills == 1 ? "" : "s")"
    } else {
      return
    }
    killed = Set(sigkilled.map(\.pid))
    // Which line is whose is known only when one process died.
    if sigkilled.count == 1, let report = tiedByCgroup.last { reports[sigkilled[0].pid] = report }
    if kernelLog != nil {
      note = "the kernel numbers processes in another pid namespace than oomlab's: the OOM kill was tied to the run by " + evidence
    }
  }

  /// Whether `path` names one cgroup rather than a whole hierarchy, so a suffix of the kernel's path can identify it.
  static func isSpecific(_ path: String) -> Bool { path.contains { $0 != "/" } }

  /// Whether the kernel's cgroup path `kernel` is the run's cgroup `path` or a cgroup inside it.
  ///
  /// The kernel prints the path from the hierarchy's root; oomlab knows it from its mount, which in a
  /// cgroup namespace starts lower down, so the run's path may be a suffix of the kernel's.
  static func names(_ path: String, _ kernel: String?) -> Bool {
    guard let kernel else { return false }
    let trimmed = path.hasSuffix("/") ? String(path.dropLast()) : path
    return kernel.hasSuffix(trimmed) || kernel.contains(trimmed + "/")
  }
}
