/// What the command line asks of `oomlab exec`, before it is checked.
public struct ExecRequest {
  /// The command and its arguments, as given after `--`.
  public var command: [String]
  public var allocator: String?
  public var memoryLimit: String?
  public var interval: UInt64?
  public var mallocConf: String?
  public var arenaMax: Int?
  public var enforce: EnforceMode = .auto
  public var csvPath: String
  /// Whether `csvPath` is a generated default name, which never replaces a file.
  public var csvPathIsGenerated = false
  /// Where the JSON summary goes, if anywhere; `-` is standard output.
  public var summaryPath: String?
  /// A file for the command's standard output instead of oomlab's own (which `--csv -` then uses).
  public var stdoutPath: String?
  /// The outcome a CI job expects; without one the command's own exit status is passed on.
  public var expect: ExpectedOutcome?
  /// How long the command may run, in nanoseconds, before its tree is stopped.
  public var timeout: UInt64?
  /// The command's oom_score_adj, set before it execs (so its children inherit it).
  public var oomScoreAdj: Int?
  public var runtime: CommandRuntime = .auto

  /// Creates a request to run `command`, writing the CSV to `csvPath`.
  public init(command: [String], csvPath: String) {
    self.command = command
    self.csvPath = csvPath
  }
}
