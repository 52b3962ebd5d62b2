import ArgumentParser
import OomlabKit

struct Collect: ParsableCommand {
  static let configuration = CommandConfiguration(
    abstract: "Rebuild one matrix folder from per-cell outputs: folders of a volume, or saved `kubectl logs`.",
    discussion: """
      A SOURCE is a folder, searched for summary.csv files and the cell files they name (a volume's folders, \
      or whole matrix folders), or a file holding framed cells (`oomlab matrix --cell K --framed` output, as \
      `kubectl logs` returns it). --out gets every cell's CSV and JSON summary and one summary.csv in the \
      matrix's order, as `oomlab matrix` writes them; `oomlab plot` reads it. A cell found twice is reported \
      and the first kept, or the first that ran when one could not (a retried pod). Framed logs say how many cells the matrix has; for folders, --cells says it. \
      Exit status, the matrix's for the same cells: 0 every cell there and matched, 1 some cell did not \
      match, 3 some cell (or a process of one) could not run or its CSV is incomplete, and with \
      --allow-missing also when cells are missing; 2 bad usage, a damaged source, no cell found, or cells \
      missing without --allow-missing (nothing written).
      """)

  @Argument(help: "Folders and saved logs holding the cells.")
  var sources: [String]

  @Option(help: "Folder to rebuild the matrix in; absent or empty.")
  var out: String

  @Option(help: "How many cells the matrix has (`oomlab matrix ... --list-cells | wc -l`), to report missing ones.")
  var cells: Int?

  @Flag(
    help: "Write the cells found even when some are missing or damaged in a log (cut by log rotation, say), and exit 3 (a cell without a result).")
  var allowMissing = false

  func validate() throws {
    if let cells, cells < 1 { throw ValidationError("--cells expects 1 or more, got \(cells)") }
  }

  func run() throws {
    let collector = try MatrixCollector(sources: sources, expected: cells, tolerant: allowMissing)
    for damage in collector.damage { printError("note: left out: \(damage)") }
    for duplicate in collector.duplicates { printError("note: duplicated cell: \(duplicate)") }
    if let expected = collector.expected, collector.missingCount > 0 {
      let missing =
        collector.missingIndices.isEmpty
        ? String(count: collector.missingCount, "cell")
        : (collector.missingIndices.count == 1 ? "cell " : "cells ")
          + collector.missingIndices.map(String.init).joined(separator: ", ")
      guard allowMissing else { throw CollectError.missingCells(missing: missing, expected: expected) }
      printError("note: \(missing) of \(expected) missing")
    }
    try collector.write(to: out)
    print(Matrix.table(collector.rows))
    // A missing cell has no result, as one that could not run has none.
    let status: ExitStatus = collector.missingCount > 0 ? .environment : collector.status
    throw ExitCode(status.rawValue)
  }
}
