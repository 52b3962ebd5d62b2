import ArgumentParser
import OomlabKit

struct Validate: ParsableCommand {
  static let configuration = CommandConfiguration(abstract: "Parse and check scenario files without running them.")

  @Argument(help: "Scenario files to check.")
  var scenarios: [String]

  func run() throws {
    var bad = 0
    for path in scenarios {
      do {
        let scenario = try ScenarioLoader.load(path)
        if let limit = scenario.limit { try scenario.checkPercentages(limit: limit) }
        let steps = scenario.stepKinds.count
        print("\(path): ok (\(scenario.name), \(steps) step\(steps == 1 ? "" : "s"))")
      } catch {
        printError("\(error)")
        bad += 1
      }
    }
    if bad > 0 { throw ExitCode(ExitStatus.badInput.rawValue) }
  }
}
