/// What `oomlab exec` will do, checked: the program found, the outputs open, the allocator located.
public struct ExecOptions {
  /// The command and its arguments as given; the first is the program's argv[0].
  public var command: [String]
  /// The program that runs, found on PATH.
  public var executable: String
  /// The sampling interval in nanoseconds.
  public var interval: UInt64 = 100_000_000
  /// The CSV, opened and checked before anything runs.
  public var csv: CSVWriter
  /// Where the JSON summary goes, if anywhere.
  public var summaryPath: String?
  /// The command's standard output when it is not oomlab's own.
  var stdout: OutputFile?
  /// The memory limit in bytes, nil for none.
  public var limit: UInt64?
  /// How the limit is enforced when no cgroup can be created.
  public var enforce: EnforceMode = .auto
  /// Variables added to the command's environment (allocator preloading and tuning).
  public var environment: [String: String] = [:]
  /// The allocator preloaded into the command, when one was asked for.
  public var allocator: AllocatorChoice?
  /// The library preloaded, if any.
  public var preloaded: String?
  /// Allocator tuning, recorded in the summary.
  public var tuning: [String: String] = [:]
  /// The outcome expected; nil passes the command's own exit status on.
  public var expect: ExpectedOutcome?
  /// How long the command may run, in nanoseconds.
  public var timeout: UInt64?
  /// The command's oom_score_adj.
  public var oomScoreAdj: Int?
  /// The live status line, drawn at the ticks when it is enabled.
  public var statusLine: StatusLine?
  /// Whether Node's heap figures are collected (the preload) and its fatal message watched for (the stderr copy).
  public var node = false

  /// How long a command has to end after the signal that asks it to (an interrupt or the timeout) before its tree is killed.
  public static let grace: UInt64 = 5_000_000_000

  /// Exit status when the timeout stopped the command, as timeout(1) has it.
  public static let timedOutStatus: Int32 = 124
}
