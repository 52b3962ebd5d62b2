/// Why a matrix cannot be planned from its command line: nothing runs and nothing is written.
package enum MatrixUsageError: Error, Equatable, StatusReporting {
  /// A comma-separated option with no items or an empty one.
  case emptyItem(flag: String, text: String)
  /// An item that is not a value the option takes.
  case badItem(flag: String, item: String, expected: String)
  /// Every cell combined an axis value with an allocator or a limit it does not apply to.
  case noCells(notes: [String])

  package var description: String {
    switch self {
    case .emptyItem(let flag, let text):
      return "\(flag) expects a comma-separated list without empty items, got \"\(text.escapingNonPrintable)\""
    case .badItem(let flag, let item, let expected):
      return item.isEmpty ? "\(flag) is empty: give \(expected)" : "\(flag) expects \(expected), got \"\(item.escapingNonPrintable)\""
    case .noCells(let notes):
      return "the matrix has no cell that can run: " + notes.joined(separator: "; ")
    }
  }

  package var status: ExitStatus { .badInput }
}
