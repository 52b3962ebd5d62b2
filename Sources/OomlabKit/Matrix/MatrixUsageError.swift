/// Why a matrix cannot be planned from its command line: nothing runs and nothing is written.
package enum MatrixUsageError: Error, Equatable, StatusReporting {
  /// A comma-separated option with no items or an empty one.
  case emptyItem(flag: String, text: String)
  /// An item that is not a value the option takes.
  case badItem(flag: String, item: String, expected: String)
  /// Every cell combined an axis value with an allocator or a limit it does not apply to.
  case noCells(notes: [String])
  /// A `--cell` that is not the index of a cell (of `--cell-limit`'s cells, when `within` names that limit).
  case cellOutOfRange(cell: String, count: Int, within: String?)
  /// A `--cell-limit` no cell has.
  case noCellWithLimit(limit: String, limits: [String])

  package var description: String {
    switch self {
    case .emptyItem(let flag, let text):
      return "\(flag) expects a comma-separated list without empty items, got \"\(text.escapingNonPrintable)\""
    case .badItem(let flag, let item, let expected):
      return item.isEmpty ? "\(flag) is empty: give \(expected)" : "\(flag) expects \(expected), got \"\(item.escapingNonPrintable)\""
    case .noCells(let notes):
      return "the matrix has no cell that can run: " + notes.joined(separator: "; ")
    case .cellOutOfRange(let cell, let count, let within):
      return "--cell expects an index from 0 to \(count - 1), as the matrix has \(String(count: count, "cell"))"
        + (within.map { " with memory limit \($0)" } ?? "") + ", got \"\(cell.escapingNonPrintable)\" (--list-cells numbers them)"
    case .noCellWithLimit(let limit, let limits):
      return "--cell-limit \(limit): no cell has that memory limit; the cells' limits are \(limits.joined(separator: ", "))"
    }
  }

  package var status: ExitStatus { .badInput }
}
