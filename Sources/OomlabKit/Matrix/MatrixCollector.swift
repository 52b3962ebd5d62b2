import Foundation
import Glibc

/// Rebuilds one matrix folder from per-cell outputs: folders holding a summary.csv and the files it names
/// (a volume's, or whole matrix folders), and saved logs holding framed cells (`kubectl logs`).
package struct MatrixCollector {
  /// The cells found, one per identity, in the matrix's order.
  package private(set) var cells: [CollectedCell] = []
  /// One line per cell found more than once: the first that ran is kept, else the first.
  package private(set) var duplicates: [String] = []
  /// The matrix's number of cells, when a framed log or the caller says it.
  package private(set) var expected: Int?
  /// The indices of the cells missing, when every cell came with its index; else empty.
  package private(set) var missingIndices: [Int] = []
  /// With `tolerant`, one line per damaged frame or cell left out of a log (its cells count as missing).
  package private(set) var damage: [String] = []

  /// The number of cells missing, when the matrix's number of cells is known.
  package var missingCount: Int { expected.map { max($0 - cells.count, 0) } ?? 0 }

  /// Reads every source; `expected` is the matrix's number of cells when the caller knows it. `tolerant`
  /// leaves out what is damaged in a log (a frame cut by log rotation) instead of refusing the log.
  package init(sources: [String], expected: Int? = nil, tolerant: Bool = false) throws(CollectError) {
    var damage: [String] = []
    var expectedSource = expected.map { _ in "--cells" }
    self.expected = expected
    var found: [CollectedCell] = []
    for source in sources {
      var info = stat()
      guard stat(source, &info) == 0 else {
        throw .unreadableSource(source: source, problem: "cannot read it: \(SystemError.call("stat", errno))")
      }
      switch info.st_mode & S_IFMT {
      case S_IFDIR:
        found += try Self.folderCells(source)
      case S_IFREG:
        let text: String
        do {
          text = try FileIO.read(source)
        } catch {
          throw .unreadableSource(source: source, problem: "cannot read it: \(error)")
        }
        let frames = try CellFrames.parse(text, source: source, damaged: tolerant ? { damage.append($0.description) } : nil)
        for frame in frames {
          if let known = self.expected, known != frame.count {
            throw .countsDisagree(first: known, firstSource: expectedSource ?? source, other: frame.count, otherSource: source)
          }
          self.expected = frame.count
          expectedSource = expectedSource ?? source
        }
        found += try Self.framedCells(frames, source: source, damaged: tolerant ? { damage.append($0.description) } : nil)
      default:
        throw .unreadableSource(source: source, problem: "neither a folder nor a regular file")
      }
    }
    self.damage = damage
    guard !found.isEmpty else { throw .noCells(sources: sources) }
    var seen: [String: Int] = [:]
    for cell in found {
      if let position = seen[cell.identity] {
        let first = cells[position]
        let same = first.rows == cell.rows && first.files == cell.files ? "the same" : "different"
        // A cell that could not run and ran when retried (another pod, a later --cell) has the retry's result.
        if first.failed && !cell.failed {
          duplicates.append("\(cell.identity) is in \(first.source), failed, and in \(cell.source); keeping the one that ran")
          cells[position] = cell
        } else {
          duplicates.append("\(cell.identity) is in \(first.source) and in \(cell.source) (\(same) results); keeping the first")
        }
        continue
      }
      seen[cell.identity] = cells.count
      cells.append(cell)
    }
    // The matrix's order, restored from each cell's settings (`MatrixCellKey`), stable for the rest.
    cells = cells.enumerated().sorted { a, b in
      switch (a.element.key, b.element.key) {
      case let (ka?, kb?) where ka != kb: return ka < kb
      default: return a.offset < b.offset
      }
    }.map(\.element)
    if let expected = self.expected, cells.allSatisfy({ $0.index != nil }) {
      let present = Set(cells.compactMap(\.index))
      missingIndices = (0..<expected).filter { !present.contains($0) }
    }
  }

  /// The cells of every summary.csv under `folder`, each with the files its rows name.
  static func folderCells(_ folder: String) throws(CollectError) -> [CollectedCell] {
    var summaries: [String] = []
    // The enumerator does not descend into symbolic links to folders, so a folder is read once.
    let enumerator = FileManager.default.enumerator(atPath: folder)
    while let relative = enumerator?.nextObject() as? String {
      if (relative as NSString).lastPathComponent == "summary.csv" { summaries.append(relative) }
    }
    var cells: [CollectedCell] = []
    for relative in summaries.sorted() {
      let summary = (folder as NSString).appendingPathComponent(relative)
      let directory = (summary as NSString).deletingLastPathComponent
      let text: String
      do {
        text = try FileIO.read(summary)
      } catch {
        throw .unreadableSource(source: summary, problem: "cannot read it: \(error)")
      }
      for (name, rows) in try Self.cellRows(text, path: summary) {
        var files: [String: Data] = [:]
        let failed = rows.first.map { $0[MatrixSummary.header.firstIndex(of: "outcome")!] == "failed" } ?? false
        if !name.isEmpty && !failed {
          for file in [name, Self.jsonName(name)] {
            let path = (directory as NSString).appendingPathComponent(file)
            guard let data = FileManager.default.contents(atPath: path) else {
              // A cell's JSON summary is written after its CSV; only the CSV is required.
              if file == name { throw .missingFile(path: path, summary: summary) }
              continue
            }
            files[file] = data
          }
        }
        cells.append(CollectedCell(index: nil, rows: rows, files: files, source: directory))
      }
    }
    return cells
  }

  /// The cells of a log's frames, each cell's files grouped by its index; given `damaged`, a cell lacking a
  /// file is handed to it as the error and left out.
  static func framedCells(
    _ frames: [FramedFile], source: String, damaged: ((CollectError) -> Void)? = nil
  ) throws(CollectError) -> [CollectedCell] {
    var byIndex: [Int: [String: Data]] = [:]
    var order: [Int] = []
    for frame in frames {
      if byIndex[frame.index] == nil { order.append(frame.index) }
      byIndex[frame.index, default: [:]][frame.name] = frame.contents
    }
    var cells: [CollectedCell] = []
    for index in order {
      let files = byIndex[index]!
      let label = "\(source) (cell \(index))"
      guard let summary = files["summary.csv"] else {
        let error = CollectError.missingFile(path: "\(label) summary.csv", summary: "a cell's frames")
        guard let damaged else { throw error }
        damaged(error)
        continue
      }
      for (name, rows) in try Self.cellRows(String(decoding: summary, as: UTF8.self), path: "\(label) summary.csv") {
        let cell = CollectedCell(
          index: index, rows: rows, files: files.filter { $0.key == name || $0.key == Self.jsonName(name) }, source: label)
        if !name.isEmpty && !cell.failed && files[name] == nil {
          let error = CollectError.missingFile(path: "\(label) \(name)", summary: "its summary.csv")
          guard let damaged else { throw error }
          damaged(error)
          continue
        }
        cells.append(cell.failed ? CollectedCell(index: index, rows: rows, files: [:], source: label) : cell)
      }
    }
    return cells
  }

  /// The rows of a summary.csv grouped by cell (its `csv` column), in order; the header must be a matrix's.
  static func cellRows(_ text: String, path: String) throws(CollectError) -> [(name: String, rows: [[String]])] {
    let lines = text.split(separator: "\n", omittingEmptySubsequences: true)
    guard let header = lines.first, CSVLine.split(header) == MatrixSummary.header else {
      throw .badSummary(path: path, line: 1, problem: "the header is not a matrix summary's (`oomlab matrix` writes it)")
    }
    let (csv, outcome) = (MatrixSummary.header.firstIndex(of: "csv")!, MatrixSummary.header.firstIndex(of: "outcome")!)
    var groups: [(name: String, rows: [[String]])] = []
    for (offset, line) in lines.dropFirst().enumerated() {
      let row = CSVLine.split(line)
      guard row.count == MatrixSummary.header.count, MatrixCellKey(row: row) != nil else {
        throw .badSummary(path: path, line: offset + 2, problem: "a row whose settings do not read back")
      }
      guard FramedFile.isPlainName(row[csv]) || row[csv].isEmpty else {
        throw .badSummary(path: path, line: offset + 2, problem: "csv \"\(row[csv].escapingNonPrintable)\" is not a plain file name")
      }
      // A failed cell has one row, and one of an older oomlab no CSV name: each such row is a cell of its own.
      if let last = groups.indices.last, !row[csv].isEmpty, groups[last].name == row[csv], row[outcome] != "failed" {
        groups[last].rows.append(row)
      } else {
        groups.append((row[csv], [row]))
      }
    }
    return groups
  }

  /// The JSON summary beside a cell's CSV.
  static func jsonName(_ csv: String) -> String {
    (csv.hasSuffix(".csv") ? String(csv.dropLast(4)) : csv) + ".json"
  }

  /// The rows of every cell, in the matrix's order.
  package var rows: [[String]] { cells.flatMap(\.rows) }

  /// The status `oomlab matrix` would have ended with for the cells found: 3 when one could not run, a
  /// process of one could not (`process_outcome` failed) or its CSV is incomplete (its JSON summary says),
  /// else 1 when one did not match, else 0.
  package var status: ExitStatus {
    let header = MatrixSummary.header
    let (outcome, process, matched) =
      (header.firstIndex(of: "outcome")!, header.firstIndex(of: "process_outcome")!, header.firstIndex(of: "matched")!)
    let incomplete = cells.contains { cell in
      let csv = cell.rows.first?[header.firstIndex(of: "csv")!] ?? ""
      return cell.files[Self.jsonName(csv)].flatMap { try? RunReport.decode($0) }?.csvIncomplete != nil
    }
    if incomplete || rows.contains(where: { $0[outcome] == "failed" || $0[process] == "failed" }) { return .environment }
    return rows.contains { $0[matched] != "true" } ? .mismatched : .matched
  }

  /// Writes the cells' files and summary.csv into `out`, which must be absent or an empty folder.
  package func write(to out: String) throws {
    var isDirectory: ObjCBool = false
    if FileManager.default.fileExists(atPath: out, isDirectory: &isDirectory) {
      let entries = (try? FileManager.default.contentsOfDirectory(atPath: out)) ?? ["?"]
      guard isDirectory.boolValue, entries.isEmpty, FileKind.at(out) != .symbolicLink else {
        throw CollectError.outputNotEmpty(path: out)
      }
    } else {
      try FileManager.default.createDirectory(atPath: out, withIntermediateDirectories: true)
    }
    for cell in cells {
      for (name, data) in cell.files.sorted(by: { $0.key < $1.key }) {
        try OutputFile.replace((out as NSString).appendingPathComponent(name), with: [UInt8](data), flag: "--out")
      }
    }
    try OutputFile.replace(
      (out as NSString).appendingPathComponent("summary.csv"), with: Array(MatrixSummary.text(rows).utf8), flag: "--out")
  }
}
