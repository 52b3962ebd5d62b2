/// Every problem found in one scenario file, in the order they appear in it.
package struct ScenarioErrors: Error, CustomStringConvertible, Equatable {
  /// The problems, sorted by line and column; never empty.
  package let all: [ScenarioError]
  /// What could be read of the scenario despite the problems, for checks that need only part of it.
  package let partial: Scenario?
  /// Whether the file had more problems than were collected.
  package let truncated: Bool

  /// Collects problems, sorting them into file order and dropping repeats.
  package init(_ errors: [ScenarioError], partial: Scenario? = nil, truncated: Bool = false) {
    precondition(!errors.isEmpty, "ScenarioErrors needs at least one error")
    self.partial = partial
    self.truncated = truncated
    var seen: Set<ScenarioError> = []
    let unique = errors.filter { seen.insert($0).inserted }
    // Stable: errors at one place keep the order they were found in.
    all = unique.enumerated().sorted { a, b in
      (a.element.line, a.element.column, a.offset) < (b.element.line, b.element.column, b.offset)
    }.map(\.element)
  }

  /// The first problem in the file.
  package var first: ScenarioError { all[0] }

  package static func == (a: ScenarioErrors, b: ScenarioErrors) -> Bool { a.all == b.all && a.truncated == b.truncated }

  /// What follows the list when problems were left out.
  package var truncationNote: String? {
    truncated ? "\(first.file.escapingNonPrintable): more problems follow; only the first \(all.count) are listed" : nil
  }

  /// One line per problem, and the truncation note.
  package var description: String {
    (all.map(\.description) + [truncationNote].compactMap { $0 }).joined(separator: "\n")
  }
}
