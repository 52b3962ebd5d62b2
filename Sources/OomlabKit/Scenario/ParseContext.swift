import Yams

/// State shared by every reader while one scenario file is parsed.
final class ParseContext {
  /// The scenario file's path as the user gave it, used in every error.
  let file: String
  /// Fields that used `N%` and so need a memory limit, in file order.
  var percentFields: [PercentField] = []
  /// Names given with `as:` so far, in file order, for checking `free` targets.
  var definedNames: Set<String> = []
  /// The next pre-order step index to hand out.
  var nextStepIndex = 0
  /// The labels of every step in pre-order, indexed by step index.
  var stepLabels: [String] = []
  /// Every problem found so far; parsing goes on past a bad field or step to find the rest.
  var errors: [ScenarioError] = []

  init(file: String) {
    self.file = file
  }

  func error(at mark: Mark?, field: String, _ problem: String) -> ScenarioError {
    ScenarioError(
      file: file, line: mark?.line ?? 0, column: mark?.column ?? 0, field: field, problem: problem)
  }

  /// Runs `body`, recording its error and returning nil instead of stopping the parse.
  func attempt<T>(_ body: () throws -> T) -> T? {
    do {
      return try body()
    } catch let error as ScenarioError {
      errors.append(error)
    } catch {
      // Readers throw only ScenarioError; anything else still gets reported, not lost.
      errors.append(self.error(at: nil, field: "", "cannot read the scenario: \(error)"))
    }
    return nil
  }
}
