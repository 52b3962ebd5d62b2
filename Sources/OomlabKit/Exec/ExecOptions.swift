/// What `oomlab exec` will do, checked: the program found, the outputs open, the allocator located.
package struct ExecOptions {
  /// The command and its arguments as given; the first is the program's argv[0].
  package var command: [String]
  /// The program that runs, found on PATH.
  package var executable: String
  /// The sampling interval in nanoseconds.
  package var interval: UInt64 = 100_000_000
  /// The CSV, opened and checked before anything runs.
  package var csv: CSVWriter
  /// Where the JSON summary goes, if anywhere.
  package var summaryPath: String?
  /// The command's standard output when it is not oomlab's own.
  var stdout: OutputFile?
  /// The memory limit in bytes, nil for none.
  package var limit: UInt64?
  /// How the limit is enforced when no cgroup can be created.
  package var enforce: EnforceMode = .auto
  /// Variables added to the command's environment (allocator preloading and tuning).
  package var environment: [String: String] = [:]
  /// The allocator preloaded into the command, when one was asked for.
  package var allocator: AllocatorChoice?
  /// The library preloaded, if any.
  package var preloaded: String?
  /// Allocator tuning, recorded in the summary.
  package var tuning: [String: String] = [:]
  /// The outcome expected; nil passes the command's own exit status on.
  package var expect: ExpectedOutcome?
  /// How long the command may run, in nanoseconds.
  package var timeout: UInt64?
  /// The command's oom_score_adj.
  package var oomScoreAdj: Int?
  /// The live status line, drawn at the ticks when it is enabled.
  package var statusLine: StatusLine?
  /// Whether Node's heap figures are collected (the preload) and its fatal message watched for (the stderr copy).
  package var node = false

  /// How long a command has to end after the signal that asks it to (an interrupt or the timeout) before its tree is killed.
  package static let grace: UInt64 = 5_000_000_000

  /// Exit status when the timeout stopped the command, as timeout(1) has it.
  package static let timedOutStatus: Int32 = 124
}
