import Glibc

/// Why `oomlab plot` cannot draw what it was given, found before anything is written.
package enum PlotError: Error, Equatable, CustomStringConvertible {
  /// The input names nothing.
  case missing(path: String)
  /// The input exists but cannot be read.
  case unreadable(path: String, errno: Int32)
  /// The input is neither a regular file (a run's CSV) nor a folder (a matrix).
  case notFileOrFolder(path: String, kind: String)
  /// The file holds nothing.
  case empty(path: String)
  /// The CSV's first line is not an oomlab header: it lacks columns every run writes.
  case notRunCSV(path: String, missing: [String])
  /// The CSV has its header and no rows.
  case noRows(path: String)
  /// The JSON summary does not decode as one `oomlab run --summary` writes.
  case notSummary(path: String, reason: String)
  /// The folder is not one `oomlab matrix --out` wrote.
  case notMatrix(path: String, reason: String)
  /// A row of a matrix's summary.csv names a cell file that cannot be drawn.
  case badCell(path: String, line: Int, file: String, reason: String)
  /// The chart needs the other kind of input (a matrix folder, or a run's CSV).
  case kindNeedsOtherInput(kind: PlotKind, path: String)
  /// `--summary` was given with a matrix folder, whose cells each have their own.
  case summaryWithMatrix(path: String)
  /// The output's name does not end in an image format's extension.
  case format(path: String)
  /// No python3 here can import matplotlib; each entry says which interpreter and why.
  case noMatplotlib(tried: [String])
  /// The plotting program refused the input, in its own words.
  case refused(message: String)
  /// The plotting program failed in a way that is not the input's fault.
  case programFailed(python: String, status: Int32, stderr: String)

  package var description: String {
    switch self {
    case .missing(let path): return "\"\(path)\": no such file or folder"
    case .unreadable(let path, let code):
      return "\"\(path)\": cannot read it: \(ErrnoName.explain(code))"
    case .notFileOrFolder(let path, let kind):
      return "\"\(path)\" is \(kind): name a run's CSV or a matrix folder"
    case .empty(let path): return "\(path): the file is empty: name a CSV `oomlab run` wrote"
    case .notRunCSV(let path, let missing):
      return "\(path):1: not an oomlab CSV: its header lacks \(missing.joined(separator: ", ")) "
        + "(`oomlab columns` lists what oomlab writes)"
    case .noRows(let path): return "\(path): the CSV has a header and no rows: the run recorded nothing to draw"
    case .notSummary(let path, let reason):
      return "\(path): not a JSON summary of `oomlab run --summary`: \(reason)"
    case .notMatrix(let path, let reason): return "\"\(path)\" is not a matrix folder: \(reason)"
    case .badCell(let path, let line, let file, let reason): return "\(path):\(line): cell \"\(file)\": \(reason)"
    case .kindNeedsOtherInput(let kind, let path):
      return kind == .matrix
        ? "--kind matrix draws a matrix folder (`oomlab matrix --out DIR`), and \"\(path)\" is a run's CSV"
        : "--kind \(kind.rawValue) draws a run's CSV, and \"\(path)\" is a matrix folder: use --kind matrix, or name one of its cells' CSV"
    case .summaryWithMatrix(let path):
      return "--summary names one run's JSON, and \"\(path)\" is a matrix folder whose cells each have their own"
    case .format(let path): return "-o \"\(path)\": name a file ending in .png or .svg"
    case .noMatplotlib(let tried):
      let found = tried.isEmpty ? "no python3 was found on PATH or in /usr/bin" : "tried " + tried.joined(separator: "; ")
      return """
        drawing needs matplotlib \(Plotter.minimumMatplotlib) or later for Python 3, and no python3 here has it \
        (\(found)). Install it with `apt-get install python3-matplotlib` (Debian 12, Ubuntu 24.04; as root) or \
        `python3 -m pip install 'matplotlib>=\(Plotter.minimumMatplotlib)'`, or set OOMLAB_PYTHON to a python3 that has it
        """
    case .refused(let message): return message
    case .programFailed(let python, let status, let stderr):
      let tail = stderr.split(separator: "\n").suffix(8).joined(separator: "\n")
      return "the plotting program failed under \(python) (exit status \(status))" + (tail.isEmpty ? "" : ":\n\(tail)")
    }
  }

  /// Bad usage for what the user named; the environment for what this machine lacks.
  package var status: ExitStatus {
    switch self {
    case .noMatplotlib, .programFailed: return .environment
    default: return .badInput
    }
  }
}
