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
  /// The `as:` name of every step in pre-order, empty where it has none.
  var stepNames: [String] = []
  /// Every problem found so far; parsing goes on past a bad field or step to find the rest.
  private(set) var errors: [ScenarioError] = []
  /// Whether problems past `maximumErrors` were left out.
  private(set) var truncated = false

  /// The most problems collected from one file; a file of a million bad steps stops there.
  static let maximumErrors = 100

  init(file: String) {
    self.file = file
  }

  func error(at mark: Mark?, field: String, _ problem: String) -> ScenarioError {
    ScenarioError(
      file: file, line: mark?.line ?? 0, column: mark?.column ?? 0, field: field, problem: problem)
  }

  /// Records a problem, unless `maximumErrors` are recorded already.
  func record(_ error: ScenarioError) {
    if errors.count < Self.maximumErrors { errors.append(error) } else { truncated = true }
  }

  /// Runs `body`, recording its error and returning nil instead of stopping the parse; once
  /// `maximumErrors` are recorded it no longer runs it, so the rest of the file costs nothing.
  func attempt<T>(_ body: () throws -> T) -> T? {
    guard errors.count < Self.maximumErrors else {
      truncated = true
      return nil
    }
    do {
      return try body()
    } catch let error as ScenarioError {
      record(error)
    } catch {
      // Readers throw only ScenarioError; anything else still gets reported, not lost.
      record(self.error(at: nil, field: "", "cannot read the scenario: \(error)"))
    }
    return nil
  }
}
