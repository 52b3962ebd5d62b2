import ArgumentParser
import Foundation
import OomlabKit

struct Run: ParsableCommand {
  static let configuration = CommandConfiguration(
    abstract: "Run a scenario in a worker process and record a CSV time series of its memory.",
    discussion: "The text summary goes to standard error: standard output carries only data (--csv - or --summary -).")

  @Argument(help: "The scenario file (YAML).")
  var scenario: String

  @OptionGroup var options: RunArguments<OneRun>

  @Option(help: "Where to write the CSV; '-' for standard output (default: NAME-YYYYMMDD-HHMMSS.csv here, never replacing a file).")
  var csv: String?

  @Option(help: "Also write the run's summary as JSON to this file; '-' for standard output.")
  var summary: String?

  func run() throws {
    let scenario = try ScenarioLoader.load(self.scenario)
    var request = options.request(csvPath: csv ?? Self.defaultCSVName(scenario.name), summaryPath: summary)
    request.csvPathIsGenerated = csv == nil
    var runOptions = try RunOptions.resolve(scenario, request, environment: ProcessInfo.processInfo.environment)
    let statusLine = StatusLine(quiet: options.quiet)
    // Also when the run throws: the error is printed on a clean line.
    defer { statusLine.clear() }
    runOptions.statusLine = statusLine
    let result = try Supervisor.run(runOptions)
    statusLine.clear()
    // Standard output is for data (the CSV or the JSON with `-`): the text is for the person watching.
    FileHandle.standardError.write(Data((result.report.text + "\n").utf8))
    throw ExitCode(result.exitCode)
  }

  static func defaultCSVName(_ name: String) -> String {
    let formatter = DateFormatter()
    formatter.dateFormat = "yyyyMMdd-HHmmss"
    formatter.locale = Locale(identifier: "en_US_POSIX")
    return "\(name)-\(formatter.string(from: Date())).csv"
  }
}

func printError(_ message: String) {
  FileHandle.standardError.write(Data("oomlab: \(message)\n".utf8))
}
