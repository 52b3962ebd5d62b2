import ArgumentParser
import Foundation
import OomlabKit

struct List: ParsableCommand {
  static let configuration = CommandConfiguration(abstract: "List the scenarios in a folder with what they demonstrate and expect.")

  @Argument(help: "The folder to list (default: Scenarios).")
  var directory: String = "Scenarios"

  @Flag(help: "List the step kinds of the scenario language instead.")
  var steps = false

  func run() throws {
    if steps {
      for kind in StepRegistry.all { print("\(kind.kind.padding(toLength: 14, withPad: " ", startingAt: 0)) \(kind.summary)") }
      return
    }
    let names: [String]
    do {
      names = try FileManager.default.contentsOfDirectory(atPath: directory)
        .filter { $0.hasSuffix(".yaml") || $0.hasSuffix(".yml") }.sorted()
    } catch {
      printError("cannot list \(directory): \(error.localizedDescription)")
      throw ExitCode(ExitStatus.badInput.rawValue)
    }
    var bad = 0
    for name in names {
      let path = (directory as NSString).appendingPathComponent(name)
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
