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
    case .integer(let v): line.append(contentsOf: String(v).utf8)
    case .unsigned(let v): line.append(contentsOf: String(v).utf8)
    case .decimal(let v):
      // Milliseconds are the finest the sampler resolves; more digits would be noise.
      let millis = Int64((v * 1000).rounded())
      line.append(contentsOf: String(millis / 1000).utf8)
      line.append(0x2E)
      let frac = String(abs(millis % 1000))
      line.append(contentsOf: repeatElement(0x30, count: 3 - frac.count))
      line.append(contentsOf: frac.utf8)
    case .ratio(let v):
      let scaled = Int64((v * 10000).rounded())
      line.append(contentsOf: String(scaled / 10000).utf8)
      line.append(0x2E)
      let frac = String(abs(scaled % 10000))
      line.append(contentsOf: repeatElement(0x30, count: 4 - frac.count))
      line.append(contentsOf: frac.utf8)
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
