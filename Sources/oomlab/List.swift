import ArgumentParser
import Foundation
import OomlabKit

struct List: ParsableCommand {
  static let configuration = CommandConfiguration(
    abstract: "List the scenarios in a folder with what they demonstrate and expect.",
    discussion: "Exit status: 0 every file listed, 2 a file that does not parse or no folder of scenario files.")

  // Optional rather than defaulted: a folder the user named that is missing is told apart from the default.
  @Argument(help: "The folder whose *.yaml and *.yml files to list (default: ./\(ScenarioFolder.standard), the shipped scenarios).")
  var directory: String?

  @Flag(help: "List the step kinds of the scenario language instead.")
  var steps = false

  func run() throws {
    if steps {
      for kind in StepRegistry.all { print("\(kind.kind.padding(toLength: 14, withPad: " ", startingAt: 0)) \(kind.summary)") }
      return
    }
    var bad = 0
    for path in try ScenarioFolder.files(in: directory ?? ScenarioFolder.standard, given: directory != nil) {
      do {
        // A folder's *.yaml are meant to be files: a pipe among them is refused, not waited for.
        let scenario = try ScenarioLoader.load(path, pipes: false)
        let about = scenario.about.split(separator: "\n").joined(separator: " ")
        print("\(path)\n  expect: \(scenario.expect?.rawValue ?? "completed")\n  \(about)\n")
      } catch {
        printError("\(error)")
        bad += 1
      }
    }
    if bad > 0 { throw ExitCode(ExitStatus.badInput.rawValue) }
  }
}
