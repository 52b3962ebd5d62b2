import ArgumentParser
import Foundation
import OomlabKit

extension RunResult {
  /// Prints the text summary on standard error and ends the command with the run's exit status.
  ///
  /// Standard output is for data (the CSV or the JSON with `-`, or exec's command): the text is for the
  /// person watching.
  func exit() throws -> Never {
    FileIO.writeToStandardError(report.text + "\n")
    throw ExitCode(exitCode)
  }
}

extension StatusLine {
  /// Runs `body` with a status line on standard error (none with `quiet` or off a terminal); a run ends
  /// its line with its outcome, and one that throws has it cleared, so that the error starts a clean line.
  static func during(quiet: Bool, _ body: (StatusLine) throws -> RunResult) throws -> RunResult {
    let line = StatusLine(quiet: quiet)
    defer { line.clear() }
    return try body(line)
  }
}
