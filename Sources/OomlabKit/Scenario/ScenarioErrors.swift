/// Every problem found in one scenario file, in the order they appear in it.
public struct ScenarioErrors: Error, CustomStringConvertible, Equatable {
  /// The problems, sorted by line and column; never empty.
  public let all: [ScenarioError]
  /// What could be read of the scenario despite the problems, for checks that need only part of it.
  public let partial: Scenario?

  /// Collects problems, sorting them into file order and dropping repeats.
  public init(_ errors: [ScenarioError], partial: Scenario? = nil) {
    self.partial = partial
    precondition(!errors.isEmpty, "ScenarioErrors needs at least one error")
    var unique: [ScenarioError] = []
    for error in errors where !unique.contains(error) { unique.append(error) }
    // Stable: errors at one place keep the order they were found in.
    all = unique.enumerated().sorted { a, b in
      (a.element.line, a.element.column, a.offset) < (b.element.line, b.element.column, b.offset)
    }.map(\.element)
  }

  /// The first problem in the file.
  public var first: ScenarioError { all[0] }

  public static func == (a: ScenarioErrors, b: ScenarioErrors) -> Bool { a.all == b.all }

  /// One line per problem.
  public var description: String { all.map(\.description).joined(separator: "\n") }
}
