import Glibc

/// The supervisor's view of one worker: its PID, shared page, probes, peaks and end.
final class WorkerHandle {
  let name: String
  let pid: pid_t
  let page: SharedPage
  var probe: ProcessProbe?
  /// The raw wait status once the worker was reaped.
  var waitStatus: Int32?
  var peaks = Peaks()
  /// The latest sample in which the worker was alive.
  var lastSample: Sample?
  var acknowledged = false
  /// Set when the supervisor killed the worker to enforce a simulated limit.
  var killedBySimulatedLimit = false
  /// Set when the supervisor killed the worker for not starting within `Supervisor.startupTimeout`.
  var killedAtStartup = false
  /// Set when the supervisor killed the worker (a limit, a timeout, an interrupt, a failed start): such a
  /// SIGKILL is no evidence of an OOM kill.
  private(set) var killedBySupervisor = false
  /// When the worker was reaped, in seconds since the run started.
  var endedAt: Double?

  init(name: String, pid: pid_t, page: SharedPage) {
    self.name = name
    self.pid = pid
    self.page = page
  }

  var isRunning: Bool { waitStatus == nil }

  /// Reaps the worker if it has ended; returns true when it has.
  func reap(at seconds: Double) -> Bool {
    guard waitStatus == nil else { return true }
    var status: Int32 = 0
    let rc = waitpid(pid, &status, WNOHANG)
    guard rc == pid else { return false }
    waitStatus = status
    endedAt = seconds
    return true
  }

  /// Kills and reaps the worker, recording that the supervisor killed it unless it had ended already.
  func kill(at seconds: Double) {
    guard !reap(at: seconds) else { return }
    killedBySupervisor = true
    Glibc.kill(pid, SIGKILL)
    var status: Int32 = 0
    while waitpid(pid, &status, 0) < 0 && errno == EINTR {}
    waitStatus = status
    endedAt = seconds
  }

  /// The signal that ended the worker, if it was one.
  var terminatingSignal: Int32? {
    WaitStatus.signal(waitStatus)
  }

  /// The exit code, if the worker exited.
  var exitCode: Int32? {
    WaitStatus.exitCode(waitStatus)
  }
}
