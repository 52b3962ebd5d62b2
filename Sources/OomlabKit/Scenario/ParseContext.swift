import Yams

/// State shared by every reader while one scenario file is parsed.
final class ParseContext {
  /// The scenario file's path as the user gave it, used in every error.
  let file: String
  /// Fields that used `N%` and so need a memory limit, with where they were written.
  var percentFields: [(field: String, mark: Mark?)] = []
  /// Names given with `as:` so far, in file order, for checking `free` targets.
  var definedNames: Set<String> = []
  /// The next pre-order step index to hand out.
  var nextStepIndex = 0
  /// The labels of every step in pre-order, indexed by step index.
  var stepLabels: [String] = []

  init(file: String) {
    self.file = file
  }

  func error(at mark: Mark?, field: String, _ problem: String) -> ScenarioError {
    ScenarioError(
      file: file, line: mark?.line ?? 0, column: mark?.column ?? 0, field: field, problem: problem)
  }
}
