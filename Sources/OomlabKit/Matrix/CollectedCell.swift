import Foundation

/// One cell of a matrix as `collect` found it: its summary rows and files, and where they came from.
public struct CollectedCell: Sendable {
  /// The cell's index in the whole matrix, known from a framed log; nil from a folder.
  public let index: Int?
  /// Its rows of summary.csv, one per process.
  public let rows: [[String]]
  /// Its files by name: the CSV and the JSON summary.
  public let files: [String: Data]
  /// The source it came from, for messages.
  public let source: String

  /// What makes two found cells the same cell: its CSV's name, or its settings for a cell that could not run.
  public var identity: String {
    let csv = MatrixSummary.header.firstIndex(of: "csv")!
    guard let row = rows.first else { return "" }
    return row[csv].isEmpty ? "the failed cell " + CSVLine.join(Array(row.prefix(6))) : row[csv]
  }

  /// The place of the cell in the matrix's order.
  var key: MatrixCellKey? { rows.first.flatMap(MatrixCellKey.init(row:)) }
}
