import ArgumentParser
import OomlabKit

struct Validate: ParsableCommand {
  static let configuration = CommandConfiguration(
    abstract: "Parse and check scenario files without running them, reporting every problem in each.")

  @Argument(help: "Scenario files to check.")
  var scenarios: [String]

  @Option(
    parsing: .unconditional,
    help: "Check as if run with this --memory-limit, like 256MiB or none (default: the scenario's limit:).")
  var memoryLimit: String?

  @Option(help: "Check as if run with this --allocator: glibc, jemalloc or a path (default: the scenario's allocator:).")
  var allocator: String?

  func validate() throws {
    if let memoryLimit, memoryLimit != "none", case .failure = ByteSize.parse(memoryLimit) {
      throw ValidationError("--memory-limit expects \(ByteSize.spellings), or none, got \"\(memoryLimit.escapingNonPrintable)\"")
    }
  }

  func run() throws {
    var bad = 0
    for path in scenarios {
      var problems: [ScenarioError] = []
      var truncated = false
      let scenario: Scenario?
      switch ScenarioLoader.check(path) {
      case .failure(let errors):
        problems = errors.all
        truncated = errors.truncated
        scenario = errors.partial
      case .success(let whole):
        scenario = whole
      }
      // The checks `run` makes with the limit and allocator it will use, on whatever could be read.
      if let scenario {
        let limit = memoryLimit.flatMap(LimitSetting.init(parsing:))
        problems += scenario.problems(memoryLimit: limit, allocator: allocator, unreadable: Set(problems.map(\.field)))
      }
      guard problems.isEmpty, let scenario else {
        let all = ScenarioErrors(problems, truncated: truncated)
        for problem in all.all { printError(problem.description) }
        if let note = all.truncationNote { printError(note) }
        bad += 1
        continue
      }
      let steps = scenario.stepKinds.count
      print("\(path): ok (\(scenario.name), \(steps) step\(steps == 1 ? "" : "s"))")
    }
    if bad > 0 { throw ExitCode(ExitStatus.badInput.rawValue) }
  }
}
