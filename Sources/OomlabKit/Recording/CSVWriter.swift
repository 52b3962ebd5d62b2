import Glibc

/// Writes the time series one complete row per `write(2)`; a row is whole on disk or absent.
///
/// After a failed or short write the file is cut back to its last whole row and nothing more is written:
/// `failure` says why, and the run reports the CSV as incomplete.
package final class CSVWriter {
  let file: OutputFile
  /// Where the rows go, for messages.
  package var path: String { file.path }
  private var line: [UInt8] = []
  /// The bytes of whole rows written so far: where a failed row is cut back to.
  private var length: off_t = 0
  private var started = false
  /// The write that failed, after which no row was recorded.
  package private(set) var failure: SystemError?
  /// The time of the first sample not recorded, nil when the header itself failed.
  package private(set) var failedAtSeconds: Double?
  /// Whether part of the failed row stayed behind, because the output (a pipe, a FIFO) cannot be cut back.
  package private(set) var lastRowTorn = false

  /// Writes to an output opened (and checked) beforehand; nothing is written until `start()`.
  package init(_ file: OutputFile) {
    self.file = file
    line.reserveCapacity(1024)
  }

  /// Opens `path` the way `--csv` does (`-` is standard output) and writes the header.
  package convenience init(path: String) throws {
    self.init(try OutputFile.open(path, flag: "--csv"))
    try start()
  }

  /// Empties the file and writes the header, once the run is sure to start; from then on the file is kept.
  package func start() throws {
    guard !started else { return }
    started = true
    file.keep()
    if file.isRegular && ftruncate(file.descriptor, 0) != 0 { throw SystemError.file("truncate", path, errno) }
    try emit(Array(CSVSchema.header.utf8) + [0x0A], seconds: nil)
  }

  /// Appends one row for `sample`; after a failure it records nothing and throws no more.
  package func write(_ sample: Sample) throws {
    try write(CollectionOfOne(sample))
  }

  /// Appends one row per sample in a single `write(2)`: a tick of a process tree is whole on disk or absent.
  package func write<Samples: Collection<Sample>>(_ samples: Samples) throws {
    guard failure == nil, let first = samples.first else { return }
    line.removeAll(keepingCapacity: true)
    for sample in samples {
      for (i, column) in CSVSchema.columns.enumerated() {
        if i > 0 { line.append(0x2C) }
        Self.append(column.value(sample), to: &line)
      }
      line.append(0x0A)
    }
    try emit(line, seconds: first.seconds)
  }

  /// Why the CSV lacks rows, for the summary, once a write failed.
  package var incompleteReason: String? {
    guard let failure else { return nil }
    var reason = "\(failure)"
    if let failedAtSeconds {
      var seconds: [UInt8] = []
      Self.append(.decimal(failedAtSeconds), to: &seconds)
      reason += "; no rows from \(String(decoding: seconds, as: UTF8.self)) s on"
    }
    if lastRowTorn { reason += "; the last row is cut short, since \(path) cannot be truncated" }
    return reason
  }

  static func append(_ value: CSVValue, to line: inout [UInt8]) {
    switch value {
    case .integer(let v):
      if v < 0 { line.append(0x2D) }
      appendDigits(v.magnitude, to: &line)
    case .unsigned(let v): appendDigits(v, to: &line)
    // Milliseconds are the finest the sampler resolves; ratios keep four decimals.
    case .decimal(let v): appendFixed(v, digits: 3, to: &line)
    case .ratio(let v): appendFixed(v, digits: 4, to: &line)
    case .text(let s):
      // Bytes, not Characters: grapheme breaking cost more than the rest of a text cell, and a CR LF pair (one
      // Character) needs quoting too.
      if s.utf8.contains(where: { $0 == 0x2C || $0 == 0x22 || $0 == 0x0A || $0 == 0x0D }) {
        line.append(0x22)
        line.append(contentsOf: s.replacingAll("\"", "\"\"").utf8)
        line.append(0x22)
      } else {
        line.append(contentsOf: s.utf8)
      }
    case .empty: break
    }
  }

  /// Writes `value` with a fixed number of decimals, without Foundation's locale-dependent formatting.
  static func appendFixed(_ value: Double, digits: Int, to line: inout [UInt8]) {
    var scale: Int64 = 1
    for _ in 0..<digits { scale *= 10 }
    let scaled = Int64((value * Double(scale)).rounded())
    if scaled < 0 { line.append(0x2D) }
    let magnitude = scaled.magnitude
    appendDigits(magnitude / UInt64(scale), to: &line)
    line.append(0x2E)
    var fraction = magnitude % UInt64(scale)
    let start = line.count
    for _ in 0..<digits {
      line.append(0x30 + UInt8(fraction % 10))
      fraction /= 10
    }
    reverseInPlace(&line, from: start)
  }

  /// Reverses `line[start...]` by swapping elements: `line[start...].reverse()` copied the slice, one
  /// malloc per number and 13 per row (scripts/bench.sh counts them).
  static func reverseInPlace(_ line: inout [UInt8], from start: Int) {
    var low = start
    var high = line.count - 1
    while low < high {
      line.swapAt(low, high)
      low += 1
      high -= 1
    }
  }

  /// Appends the decimal digits of `value` without building a String: rows are written every tick.
  static func appendDigits(_ value: UInt64, to line: inout [UInt8]) {
    let start = line.count
    var rest = value
    repeat {
      line.append(0x30 + UInt8(rest % 10))
      rest /= 10
    } while rest > 0
    reverseInPlace(&line, from: start)
  }

  private func emit(_ bytes: [UInt8], seconds: Double?) throws {
    let (written, code) = FileIO.writeAll(file.descriptor, bytes)
    guard let code else {
      length += off_t(written)
      return
    }
    // Cut the partial row off so the file ends with its last whole row; a pipe keeps what it was given.
    if written > 0 {
      if file.isRegular && ftruncate(file.descriptor, length) == 0 {
        lseek(file.descriptor, length, SEEK_SET)
      } else {
        lastRowTorn = true
      }
    }
    let error = SystemError.file("write", path, code)
    failure = error
    failedAtSeconds = seconds
    throw error
  }
}

extension String {
  func replacingAll(_ target: Character, _ replacement: String) -> String {
    var out = ""
    for c in self { if c == target { out += replacement } else { out.append(c) } }
    return out
  }
}
