import ArgumentParser
import Foundation
import OomlabKit

struct Run: ParsableCommand {
  static let configuration = CommandConfiguration(
    abstract: "Run a scenario in a worker process and record a CSV time series of its memory.")

  @Argument(help: "The scenario file (YAML).")
  var scenario: String

  @Option(name: .customLong("interval"), help: "Sampling interval, like 10ms or 1s (default: the scenario's sample:, else 100ms).")
  var interval: String?

  @Option(help: "Where to write the CSV; '-' for standard output (default: NAME-YYYYMMDD-HHMMSS.csv here).")
  var csv: String?

  @Option(help: "Also write the run's summary as JSON to this file.")
  var summary: String?

  func validate() throws {
    if let interval {
      guard let ns = DurationValue.parseNanoseconds(interval), ns >= 1_000_000 else {
        throw ValidationError("--interval expects a duration of at least 1ms like 10ms or 1s, got \"\(interval)\"")
      }
    }
  }

  func run() throws {
    let scenario: Scenario
    do {
      scenario = try ScenarioLoader.load(self.scenario)
    } catch let error as ScenarioError {
      printError(error.description)
      throw ExitCode(ExitStatus.badInput.rawValue)
    }
    let limit = scenario.limit ?? nil
    do {
      try scenario.checkPercentages(limit: limit)
    } catch let error as ScenarioError {
      printError(error.description)
      throw ExitCode(ExitStatus.badInput.rawValue)
    }
    if let allocator = scenario.allocator, allocator != "glibc" {
      printError("allocator \"\(allocator)\" is not supported by this build; only glibc is")
      throw ExitCode(ExitStatus.environment.rawValue)
    }
    if limit != nil {
      printError("memory limits are not supported by this build yet")
      throw ExitCode(ExitStatus.environment.rawValue)
    }
    let csvPath = csv ?? Self.defaultCSVName(scenario.name)
    var options = RunOptions(scenario: scenario, csvPath: csvPath)
    options.interval = interval.flatMap(DurationValue.parseNanoseconds) ?? scenario.sampleInterval ?? 100_000_000
    options.summaryPath = summary
    options.limit = limit
    let (report, status): (RunReport, ExitStatus)
    do {
      (report, status) = try Supervisor.run(options)
    } catch {
      printError("\(error)")
      throw ExitCode(ExitStatus.environment.rawValue)
    }
    // With the CSV on stdout, the summary goes to stderr so the data stays clean.
    if csvPath == "-" { printError(report.text) } else { print(report.text) }
    throw ExitCode(status.rawValue)
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
