import Foundation
import Glibc

/// What `oomlab plot` reads, checked before anything is drawn: one run's CSV with its JSON summary, or a matrix
/// folder with its summary.csv and each cell's files.
package struct PlotInput {
  /// The CSV or the folder, as the user named it.
  package let path: String
  /// Whether `path` is a matrix folder rather than a run's CSV.
  package let isMatrix: Bool
  /// The run's JSON summary, named or found beside the CSV; nil for a matrix or a run without one.
  package let summary: String?
  /// Every file the chart reads, named for messages, so that the output can never be one of them.
  package let files: [(name: String, path: String)]

  /// The columns every oomlab CSV has, whatever else it gained (`exec` trees, event rows).
  static let runColumns = ["t_seconds", "process", "rss_bytes"]
  /// The columns of a matrix's summary.csv the chart needs.
  static let matrixColumns = ["scenario", "allocator", "limit", "outcome", "csv"]
  /// The most of a CSV read to find its header and first row: a header is about 1.5 KiB.
  static let headLimit = 1 << 20

  /// Checks the input the user named and, for a CSV, the summary named with `--summary` or found beside it.
  package static func open(_ path: String, summary: String?) throws -> PlotInput {
    var status = stat()
    guard !path.isEmpty, stat(path, &status) == 0 else {
      if path.isEmpty || errno == ENOENT || errno == ENOTDIR { throw PlotError.missing(path: path) }
      throw PlotError.unreadable(path: path, errno: errno)
    }
    switch FileKind(status.st_mode) {
    case .directory:
      if summary != nil { throw PlotError.summaryWithMatrix(path: path) }
      return try openMatrix(path)
    case .regular:
      try checkRunCSV(path)
      var files = [(name: "the CSV", path: path)]
      let json = try summary ?? besideSummary(path)
      if let json {
        try checkSummary(json)
        files.append((name: "the summary", path: json))
      }
      return PlotInput(path: path, isMatrix: false, summary: json, files: files)
    case let kind: throw PlotError.notFileOrFolder(path: path, kind: kind.description)
    }
  }

  /// The file a chart of `kind` goes to when `-o` is not given: beside the CSV, or in the matrix folder.
  package func defaultOutput(_ kind: PlotKind) -> String {
    if isMatrix { return (path as NSString).appendingPathComponent("\(kind.rawValue).png") }
    let stem = path.hasSuffix(".csv") ? String(path.dropLast(4)) : path
    return "\(stem)-\(kind.rawValue).png"
  }

  /// The JSON summary `oomlab matrix` writes beside a CSV (`NAME.csv`, `NAME.json`), if there is one.
  static func besideSummary(_ csv: String) throws -> String? {
    let json = (csv.hasSuffix(".csv") ? String(csv.dropLast(4)) : csv) + ".json"
    return FileKind.at(json) == nil ? nil : json
  }

  /// The required columns a CSV header line lacks; empty for an oomlab CSV.
  static func missingColumns(_ header: Substring, required: [String]) -> [String] {
    let names = Set(header.split(separator: ",", omittingEmptySubsequences: false).map {
      $0.trimmingCharacters(in: .whitespaces)
    })
    return required.filter { !names.contains($0) }
  }

  /// Refuses a file that is not a CSV `oomlab run` wrote, or one without a single row.
  static func checkRunCSV(_ path: String) throws {
    let head = try readHead(path)
    guard !head.isEmpty else { throw PlotError.empty(path: path) }
    let text = String(decoding: head, as: UTF8.self)
    let lines = text.split(separator: "\n", maxSplits: 2, omittingEmptySubsequences: false)
    // A header longer than the head read is not one oomlab writes.
    guard lines.count > 1 else { throw PlotError.notRunCSV(path: path, missing: runColumns) }
    let missing = missingColumns(lines[0], required: runColumns)
    guard missing.isEmpty else { throw PlotError.notRunCSV(path: path, missing: missing) }
    guard !lines[1].isEmpty else { throw PlotError.noRows(path: path) }
  }

  /// Refuses a JSON summary that does not decode as `RunReport`, saying which field is wrong.
  static func checkSummary(_ path: String) throws {
    let bytes: [UInt8]
    do {
      bytes = Array(try FileIO.read(path).utf8)
    } catch let error as SystemError {
      throw error.errno == ENOENT ? PlotError.missing(path: path) : PlotError.unreadable(path: path, errno: error.errno)
    }
    do {
      _ = try RunReport.decode(Data(bytes))
    } catch let error as DecodingError {
      throw PlotError.notSummary(path: path, reason: describe(error))
    }
  }

  /// A decoding error in a sentence: which field, and what was wrong with it.
  static func describe(_ error: DecodingError) -> String {
    // The file's snake_case spelling of a key the decoder converted to camelCase.
    func snake(_ key: CodingKey) -> String {
      key.stringValue.reduce(into: "") { name, c in name += c.isUppercase ? "_" + c.lowercased() : String(c) }
    }
    // Like `processes[0].peaks`.
    func field(_ path: [CodingKey]) -> String {
      let parts: [String] = path.map { key in key.intValue.map { "[\($0)]" } ?? "." + snake(key) }
      return String(parts.joined().drop(while: { $0 == "." }))
    }
    switch error {
    case .keyNotFound(let key, let context):
      let parent = field(context.codingPath)
      return "no \"\(snake(key))\" field" + (parent.isEmpty ? "" : " in \(parent)")
    case .typeMismatch(let type, let context), .valueNotFound(let type, let context):
      return "\(field(context.codingPath)) is not \(type == String.self ? "text" : "a number or the right type")"
    case .dataCorrupted(let context):
      return context.codingPath.isEmpty ? "it is not JSON" : "\(field(context.codingPath)): \(context.debugDescription)"
    @unknown default: return "\(error)"
    }
  }

  /// Checks a matrix folder's summary.csv and every cell it names; a cell that failed to run has no CSV.
  static func openMatrix(_ folder: String) throws -> PlotInput {
    let summary = (folder as NSString).appendingPathComponent("summary.csv")
    let text: String
    do {
      text = try FileIO.read(summary)
    } catch let error as SystemError {
      if error.errno == ENOENT {
        throw PlotError.notMatrix(path: folder, reason: "it has no summary.csv (`oomlab matrix --out DIR` writes one)")
      }
      throw PlotError.unreadable(path: summary, errno: error.errno)
    }
    let lines = text.split(separator: "\n", omittingEmptySubsequences: false)
    guard let header = lines.first, !header.isEmpty else { throw PlotError.empty(path: summary) }
    let missing = missingColumns(header, required: matrixColumns)
    guard missing.isEmpty else {
      throw PlotError.notMatrix(path: folder, reason: "\(summary):1: its header lacks \(missing.joined(separator: ", "))")
    }
    let names = CSVLine.split(header)
    let column = names.firstIndex(of: "csv")!
    let outcome = names.firstIndex(of: "outcome")
    var files = [(name: "the matrix summary", path: summary)]
    var seen = Set<String>()
    for (offset, line) in lines.enumerated().dropFirst() where !line.isEmpty {
      // Quoted where a value holds a comma, as a MALLOC_CONF does.
      let cells = CSVLine.split(line)
      let name = column < cells.count ? cells[column] : ""
      let failed = outcome.map { $0 < cells.count && cells[$0] == "failed" } ?? false
      // A cell that failed to run has no CSV (its row names the one it would have had); a cell of several
      // processes may take several rows.
      guard !name.isEmpty, !failed, seen.insert(name).inserted else { continue }
      // oomlab names cells' files itself: anything with a path in it was not written by `oomlab matrix`.
      guard !name.contains("/"), name != ".", name != "..", name.hasSuffix(".csv") else {
        throw PlotError.badCell(path: summary, line: offset + 1, file: name, reason: "not a CSV name in the folder")
      }
      let csv = (folder as NSString).appendingPathComponent(name)
      do {
        guard FileKind.at(csv) == .regular else { throw PlotError.missing(path: csv) }
        try checkRunCSV(csv)
        files.append((name: "cell \(name)", path: csv))
        if let json = try besideSummary(csv) {
          try checkSummary(json)
          files.append((name: "cell summary \((json as NSString).lastPathComponent)", path: json))
        }
      } catch let error as PlotError {
        if case .missing = error {
          throw PlotError.badCell(path: summary, line: offset + 1, file: name, reason: "no such file in the folder")
        }
        throw PlotError.badCell(path: summary, line: offset + 1, file: name, reason: error.description)
      }
    }
    guard files.count > 1 else { throw PlotError.notMatrix(path: folder, reason: "no cell of \(summary) has a CSV") }
    return PlotInput(path: folder, isMatrix: true, summary: nil, files: files)
  }

  /// Up to `headLimit` bytes from the start of a regular file.
  static func readHead(_ path: String) throws -> [UInt8] {
    let descriptor = Glibc.open(path, O_RDONLY | O_CLOEXEC)
    guard descriptor >= 0 else {
      throw errno == ENOENT ? PlotError.missing(path: path) : PlotError.unreadable(path: path, errno: errno)
    }
    defer { close(descriptor) }
    var bytes = [UInt8](repeating: 0, count: headLimit)
    var count = 0
    while count < headLimit {
      let n = bytes.withUnsafeMutableBytes { Glibc.read(descriptor, $0.baseAddress! + count, headLimit - count) }
      if n < 0 {
        if errno == EINTR { continue }
        throw PlotError.unreadable(path: path, errno: errno)
      }
      if n == 0 { break }
      count += n
    }
    return Array(bytes[..<count])
  }
}
