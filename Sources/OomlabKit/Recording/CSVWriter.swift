import Glibc

/// Writes the time series one complete row per `write(2)`, so a row is never half on disk.
public final class CSVWriter {
  let descriptor: Int32
  let ownsDescriptor: Bool
  /// Where the rows go, for messages.
  public let path: String
  private var line: [UInt8] = []

  /// Creates (truncating) `path`, or writes to standard output for `-`.
  public init(path: String) throws {
    self.path = path
    if path == "-" {
      descriptor = STDOUT_FILENO
      ownsDescriptor = false
    } else {
      descriptor = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0o644)
      guard descriptor >= 0 else { throw SystemError.file("create", path, errno) }
      ownsDescriptor = true
    }
    line.reserveCapacity(1024)
    try emit(Array(CSVSchema.header.utf8) + [0x0A])
  }

  deinit {
    if ownsDescriptor { close(descriptor) }
  }

  /// Appends one row for `sample`.
  public func write(_ sample: Sample) throws {
    line.removeAll(keepingCapacity: true)
    for (i, column) in CSVSchema.columns.enumerated() {
      if i > 0 { line.append(0x2C) }
      Self.append(column.value(sample), to: &line)
    }
    line.append(0x0A)
    try emit(line)
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
      if s.contains(where: { $0 == "," || $0 == "\"" || $0 == "\n" }) {
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
    line[start...].reverse()
  }

  /// Appends the decimal digits of `value` without building a String: rows are written every tick.
  static func appendDigits(_ value: UInt64, to line: inout [UInt8]) {
    let start = line.count
    var rest = value
    repeat {
      line.append(0x30 + UInt8(rest % 10))
      rest /= 10
    } while rest > 0
    line[start...].reverse()
  }

  private func emit(_ bytes: [UInt8]) throws {
    var offset = 0
    while offset < bytes.count {
      let n = bytes.withUnsafeBytes { Glibc.write(descriptor, $0.baseAddress! + offset, $0.count - offset) }
      if n < 0 {
        if errno == EINTR { continue }
        throw SystemError.file("write", path, errno)
      }
      offset += n
    }
  }
}

extension String {
  func replacingAll(_ target: Character, _ replacement: String) -> String {
    var out = ""
    for c in self { if c == target { out += replacement } else { out.append(c) } }
    return out
  }
}
