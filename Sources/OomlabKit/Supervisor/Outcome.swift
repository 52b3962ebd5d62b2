/// How a worker (or a run) ended, as the supervisor determined it from evidence.
package enum Outcome: Equatable, Sendable, CustomStringConvertible {
  /// Every step ran.
  case completed
  /// The kernel's OOM killer killed the worker, confirmed by the cgroup's oom_kill counter.
  case oomKill
  /// The managed heap exceeded its limit and the worker aborted, like Node's "heap out of memory".
  case heapOom
  /// malloc or mmap returned ENOMEM and the worker exited cleanly.
  case allocFailure
  /// The worker died of a signal that is not a confirmed OOM kill.
  case signalled(Int32)
  /// The supervisor killed the worker because a simulated limit was reached.
  case simulatedOomKill
  /// The worker could not run its scenario; the message says why.
  case failed
  /// The user interrupted the run.
  case interrupted
  /// The run's timeout elapsed and its workers (for exec, the command's tree) were stopped.
  case timedOut
  /// exec and attach: a process ended, and how is not known (its parent, not oomlab, reaped it).
  case exited
  /// attach: the process still ran when recording stopped.
  case running

  /// The outcome's name as the summary, JSON and `expect:` spell it.
  package var name: String {
    switch self {
    case .completed: return "completed"
    case .oomKill: return "oom-kill"
    case .heapOom: return "heap-oom"
    case .allocFailure: return "alloc-failure"
    case .signalled: return "signalled"
    case .simulatedOomKill: return "oom-kill (simulated)"
    case .failed: return "failed"
    case .interrupted: return "interrupted"
    case .timedOut: return "timeout"
    case .exited: return "exited (status unknown)"
    case .running: return "running"
    }
  }

  package var description: String {
    if case .signalled(let signal) = self { return "signalled (\(SignalName.of(signal)))" }
    return name
  }

  /// Whether this outcome satisfies an `expect:`.
  package func matches(_ expected: ExpectedOutcome) -> Bool {
    switch (self, expected) {
    case (.completed, .completed), (.oomKill, .oomKill), (.heapOom, .heapOom), (.allocFailure, .allocFailure),
      (.signalled, .signalled), (.simulatedOomKill, .oomKill), (.timedOut, .timeout):
      return true
    default: return false
    }
  }
}

/// Signal names for messages.
package enum SignalName {
  /// `SIGKILL` for 9, and so on; `signal N` for unknown numbers.
  package static func of(_ signal: Int32) -> String {
    let names: [Int32: String] = [
      1: "SIGHUP", 2: "SIGINT", 3: "SIGQUIT", 4: "SIGILL", 5: "SIGTRAP", 6: "SIGABRT", 7: "SIGBUS", 8: "SIGFPE",
      9: "SIGKILL", 10: "SIGUSR1", 11: "SIGSEGV", 12: "SIGUSR2", 13: "SIGPIPE", 14: "SIGALRM", 15: "SIGTERM",
      16: "SIGSTKFLT", 17: "SIGCHLD", 18: "SIGCONT", 19: "SIGSTOP", 20: "SIGTSTP", 21: "SIGTTIN", 22: "SIGTTOU",
      23: "SIGURG", 24: "SIGXCPU", 25: "SIGXFSZ", 26: "SIGVTALRM", 27: "SIGPROF", 28: "SIGWINCH", 29: "SIGIO",
      30: "SIGPWR", 31: "SIGSYS",
    ]
    return names[signal] ?? "signal \(signal)"
  }
}
