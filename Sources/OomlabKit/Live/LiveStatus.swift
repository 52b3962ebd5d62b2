/// What the live status line shows at one moment of a run, and the line itself.
package struct LiveStatus: Equatable, Sendable {
  /// The cell of a matrix this run is, from 1, nil outside a matrix.
  package var cellIndex: Int?
  /// How many cells the matrix has.
  package var cellCount = 0
  /// Seconds since the run started.
  package var seconds: Double = 0
  /// The step running now (its kind, like `leak`), or for `exec` the command's name.
  package var step: String?
  /// The step's `as:` name.
  package var stepName: String?
  /// Processes sampled at the last tick, shown when there are several.
  package var processes = 1
  /// The RSS of every process at the last tick, summed.
  package var rss: UInt64?
  /// The memory limit the RSS is drawn against, nil for none.
  package var limit: UInt64?
  /// The managed heap's used bytes (a worker's, or what Node reported), summed.
  package var heapUsed: UInt64?
  /// How the run ended, once it has.
  package var outcome: String?

  /// Cells of the RSS bar.
  static let barCells = 10

  /// Creates an empty status.
  package init() {}

  /// The line, at most `width - 1` columns (a line that reaches the last column wraps on some
  /// terminals), without control characters, so that it can be redrawn over itself after a `\r`.
  package func render(width: Int) -> String {
    var parts: [String] = []
    if let cellIndex { parts.append("cell \(cellIndex) of \(cellCount)") }
    parts.append(String(format1: seconds) + " s")
    if let step {
      parts.append(Self.printable(step) + (stepName.map { " (\(Self.printable($0)))" } ?? ""))
    }
    if processes > 1 { parts.append("\(processes) processes") }
    if let rss {
      if let limit, limit > 0 {
        parts.append("rss \(Self.bar(rss, of: limit)) \(ByteSize.format(rss)) / \(ByteSize.format(limit))")
      } else {
        parts.append("rss \(ByteSize.format(rss))")
      }
    }
    if let heapUsed { parts.append("heap \(ByteSize.format(heapUsed))") }
    if let outcome { parts.append("-> \(Self.printable(outcome))") }
    let line = parts.joined(separator: "  ")
    let columns = max(width - 1, 0)
    return line.count <= columns ? line : String(line.prefix(columns))
  }

  /// A bar of `barCells` cells, `#` for the share of `limit` that `value` fills, `.` for the rest.
  static func bar(_ value: UInt64, of limit: UInt64) -> String {
    let filled = min(Int((Double(value) / Double(limit) * Double(barCells)).rounded()), barCells)
    return "[" + String(repeating: "#", count: filled) + String(repeating: ".", count: barCells - filled) + "]"
  }

  /// `text` with every character outside printable ASCII replaced by `?`: a step name is the scenario
  /// author's, an escape in it must not reach the terminal, and only ASCII is surely one column wide.
  static func printable(_ text: String) -> String {
    String(
      text.unicodeScalars.map { scalar -> Character in
        (0x20..<0x7F).contains(scalar.value) ? Character(scalar) : "?"
      })
  }
}
