import Foundation

/// One cell of a matrix as `collect` found it: its summary rows and files, and where they came from.
package struct CollectedCell: Sendable {
  /// The cell's index in the whole matrix, known from a framed log; nil from a folder.
  package let index: Int?
  /// Its rows of summary.csv, one per process.
  package let rows: [[String]]
  /// Its files by name: the CSV and the JSON summary.
  package let files: [String: Data]
  /// The source it came from, for messages.
  package let source: String

  /// What makes two found cells the same cell: its CSV's name, which a failed cell's row names too; a failed
  /// row of an older oomlab, which names none, is told by its settings.
  package var identity: String {
    let csv = MatrixSummary.header.firstIndex(of: "csv")!
    guard let row = rows.first else { return "" }
    return row[csv].isEmpty ? "the failed cell " + CSVLine.join(Array(row.prefix(6))) : row[csv]
  }

  /// Whether the cell could not run: its outcome is `failed`.
  package var failed: Bool {
    let outcome = MatrixSummary.header.firstIndex(of: "outcome")!
    return rows.first?[outcome] == "failed"
  }

  /// The place of the cell in the matrix's order.
  var key: MatrixCellKey? { rows.first.flatMap(MatrixCellKey.init(row:)) }
}
