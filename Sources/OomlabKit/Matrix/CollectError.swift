/// Why `oomlab collect` cannot rebuild a matrix from its sources: nothing is written.
package enum CollectError: Error, Equatable, StatusReporting {
  /// A source that cannot be read, or is neither a folder nor a regular file.
  case unreadableSource(source: String, problem: String)
  /// A framed file in a log that is cut short, damaged or unsafe.
  case malformedFrame(source: String, line: Int, problem: String)
  /// A summary.csv whose header is not a matrix summary's or whose row does not read back.
  case badSummary(path: String, line: Int, problem: String)
  /// A file a summary row names that is not beside it.
  case missingFile(path: String, summary: String)
  /// Sources that disagree on the number of cells the matrix has.
  case countsDisagree(first: Int, firstSource: String, other: Int, otherSource: String)
  /// No cell in any source.
  case noCells(sources: [String])
  /// Cells the matrix has that no source holds.
  case missingCells(missing: String, expected: Int)
  /// An output folder that exists and holds files.
  case outputNotEmpty(path: String)

  package var description: String {
    switch self {
    case .unreadableSource(let source, let problem):
      return "\(source): \(problem)"
    case .malformedFrame(let source, let line, let problem):
      return "\(source):\(line): \(problem)"
    case .badSummary(let path, let line, let problem):
      return "\(path):\(line): \(problem)"
    case .missingFile(let path, let summary):
      return "\(path): missing, yet \(summary) names it"
    case .countsDisagree(let first, let firstSource, let other, let otherSource):
      return "\(otherSource) is of a matrix of \(other) cells, \(firstSource) of one of \(first): not the same matrix"
    case .noCells(let sources):
      return "no cell found in " + sources.map { "\"\($0.escapingNonPrintable)\"" }.joined(separator: ", ")
        + " (expected folders holding summary.csv, or logs holding framed cells)"
    case .missingCells(let missing, let expected):
      return "the matrix has \(expected) cells and \(missing) missing; --allow-missing collects the rest"
    case .outputNotEmpty(let path):
      return "--out \"\(path.escapingNonPrintable)\" exists and is not an empty folder"
    }
  }

  package var status: ExitStatus { .badInput }
}
