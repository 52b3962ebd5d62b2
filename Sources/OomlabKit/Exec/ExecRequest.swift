/// What the command line asks of `oomlab exec`, before it is checked.
package struct ExecRequest {
  /// The command and its arguments, as given after `--`.
  package var command: [String]
  package var allocator: String?
  package var memoryLimit: String?
  package var interval: UInt64?
  package var mallocConf: String?
  package var arenaMax: Int?
  package var enforce: EnforceMode = .auto
  package var csvPath: String
  /// Whether `csvPath` is a generated default name, which never replaces a file.
  package var csvPathIsGenerated = false
  /// Where the JSON summary goes, if anywhere; `-` is standard output.
  package var summaryPath: String?
  /// A file for the command's standard output instead of oomlab's own (which `--csv -` then uses).
  package var stdoutPath: String?
  /// The outcome a CI job expects; without one the command's own exit status is passed on.
  package var expect: ExpectedOutcome?
  /// How long the command may run, in nanoseconds, before its tree is stopped.
  package var timeout: UInt64?
  /// The command's oom_score_adj, set before it execs (so its children inherit it).
  package var oomScoreAdj: Int?
  package var runtime: CommandRuntime = .auto

  /// Creates a request to run `command`, writing the CSV to `csvPath`.
  package init(command: [String], csvPath: String) {
    self.command = command
    self.csvPath = csvPath
  }
}
