/// The exit statuses of `oomlab`, as the README documents them.
package enum ExitStatus: Int32, Sendable {
  /// The outcome matched `expect:` (or the run completed and nothing was expected).
  case matched = 0
  /// The outcome differed from what was expected.
  case mismatched = 1
  /// Bad usage or a bad scenario: nothing ran.
  case badInput = 2
  /// The environment cannot do what was asked (no cgroup rights, no jemalloc, ...).
  case environment = 3
  /// The user interrupted the run (128 + SIGINT).
  case interrupted = 130
}

/// The exit codes a worker uses to tell the supervisor how it ended on its own.
enum WorkerExit: Int32 {
  case completed = 0
  case allocationFailed = 70
  case failed = 71
  case supervisorGone = 72
}
