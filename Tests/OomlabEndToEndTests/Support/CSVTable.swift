import Foundation
import OomlabKit
import OomlabTestSupport

/// A parsed oomlab CSV: the header and every row as cells (unquoted, RFC 4180), with numeric helpers for assertions.
struct CSVTable {
  let header: [String]
  let rows: [[String]]
  /// Lines that did not have as many cells as the header (a torn write would show here).
  let malformed: [String]

  init(_ text: String) {
    var lines = text.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
    if lines.last == "" { lines.removeLast() }
    header = lines.first.map { CSVLine.split($0) } ?? []
    var rows: [[String]] = []
    var malformed: [String] = []
    for line in lines.dropFirst() {
      let cells = CSVLine.split(line)
      if cells.count == header.count { rows.append(cells) } else { malformed.append(line) }
    }
    self.rows = rows
    self.malformed = malformed
    self.endsWithNewline = text.hasSuffix("\n")
  }

  /// Whether the file's last byte is a newline, i.e. its last row is whole.
  let endsWithNewline: Bool

  /// A column's cells.
  func column(_ name: String) -> [String] {
    guard let index = header.firstIndex(of: name) else { return [] }
    return rows.map { $0[index] }
  }

  /// A numeric column, with empty cells skipped.
  func numbers(_ name: String) -> [Double] { column(name).compactMap(Double.init) }

  /// The value of `name` in the first row.
  func first(_ name: String) -> Double? { numbers(name).first }

  /// The value of `name` in the last row.
  func last(_ name: String) -> Double? { numbers(name).last }

  /// The largest value of `name`.
  func max(_ name: String) -> Double? { numbers(name).max() }

  /// The values of `name` in the rows of the step at pre-order `index` (the `step_index` column).
  func value(_ name: String, atStepIndex index: Int) -> [Double] {
    guard let s = header.firstIndex(of: "step_index"), let c = header.firstIndex(of: name) else { return [] }
    return rows.filter { $0[s] == String(index) }.compactMap { Double($0[c]) }
  }

  /// The rows whose `step` column equals `step`.
  func value(_ name: String, atStep step: String) -> [Double] {
    guard let s = header.firstIndex(of: "step"), let c = header.firstIndex(of: name) else { return [] }
    return rows.filter { $0[s] == step }.compactMap { Double($0[c]) }
  }
}

extension CSVTable {
  /// The rows a CSV being written holds so far: none while the file does not exist yet.
  init(contentsOf url: URL) {
    self.init((try? String(contentsOf: url, encoding: .utf8)) ?? "")
  }

  /// Polls `path` until `atLeast` CSV rows of step `step` appear and returns the first one's pid.
  static func waitForRow(in path: URL, step: String, atLeast: Int = 1, deadline seconds: Double = 20) -> Int32? {
    Poll.value(within: seconds) {
      let table = CSVTable(contentsOf: path)
      let steps = table.column("step")
      guard steps.filter({ $0 == step }).count >= atLeast, let index = steps.firstIndex(of: step) else { return nil }
      return Int32(table.column("pid")[index])
    }
  }
}
