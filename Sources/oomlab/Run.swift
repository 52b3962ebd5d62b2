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
    try StatusLine.during(quiet: options.quiet) { line in
      runOptions.statusLine = line
      return try Supervisor.run(runOptions)
    }.exit()
  }

  /// `NAME-YYYYMMDD-HHMMSS.csv`, with NAME made safe for a file name (`OutputName.safe`).
  static func defaultCSVName(_ name: String) -> String {
    let formatter = DateFormatter()
    formatter.dateFormat = "yyyyMMdd-HHmmss"
    formatter.locale = Locale(identifier: "en_US_POSIX")
    return "\(OutputName.safe(name))-\(formatter.string(from: Date())).csv"
  }
}

func printError(_ message: String) {
  FileIO.writeToStandardError("oomlab: \(message)\n")
}
