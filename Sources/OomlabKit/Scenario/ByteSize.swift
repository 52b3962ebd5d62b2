/// Parses sizes and rates written the way the scenario language documents them.
package enum ByteSize {
  /// The multipliers of every accepted unit, longest suffix first so `MiB` is not read as `B`.
  ///
  /// oomlab's own units are case-sensitive: IEC binary (`MiB`) and SI decimal (`MB`). Kubernetes' binary
  /// quantities (`512Mi`) are case-sensitive too, as in Kubernetes. Docker's one-letter units (`512m`, `2g`)
  /// are binary and case-insensitive, as `docker run --memory` reads them; so `512M` is 512 MiB here, not
  /// Kubernetes' 512 000 000 bytes.
  static let units: [(suffix: String, factor: UInt64)] = [
    ("TiB", 1 << 40), ("GiB", 1 << 30), ("MiB", 1 << 20), ("KiB", 1 << 10),
    ("TB", 1_000_000_000_000), ("GB", 1_000_000_000), ("MB", 1_000_000), ("KB", 1000),
    ("Ti", 1 << 40), ("Gi", 1 << 30), ("Mi", 1 << 20), ("Ki", 1 << 10),
    ("t", 1 << 40), ("T", 1 << 40), ("g", 1 << 30), ("G", 1 << 30), ("m", 1 << 20), ("M", 1 << 20),
    ("k", 1 << 10), ("K", 1 << 10),
    ("B", 1), ("b", 1),
  ]

  /// The spellings a size may take, phrased for error messages after "expected".
  package static let spellings = "a size like 512MiB, 512Mi, 512m, 4KB or 4096"

  /// The problem with a size string, phrased for an error message.
  package enum Problem: Error, Equatable {
    case malformed, negative, zero, overflow
  }

  /// Parses `10MiB`, `1.5 GiB`, `4KB`, `512Mi`, `2g` or a bare byte count into bytes.
  package static func parse(_ text: String, allowZero: Bool = false) -> Result<UInt64, Problem> {
    var body = text.trimmingSpaces()
    if body.hasPrefix("-") { return .failure(.negative) }
    var factor: UInt64 = 1
    for unit in units where body.hasSuffix(unit.suffix) {
      factor = unit.factor
      body = String(body.dropLast(unit.suffix.count)).trimmingSpaces()
      break
    }
    guard !body.isEmpty, body.allSatisfy({ $0.isASCII && ($0.isNumber || $0 == ".") }),
      body.filter({ $0 == "." }).count <= 1, body != "."
    else { return .failure(.malformed) }
    let bytes: UInt64
    if body.contains(".") {
      // A bare number is a count of bytes, and there is no half byte.
      guard factor > 1, let value = Double(body) else { return .failure(.malformed) }
      let product = value * Double(factor)
      guard product < 9.2e18 else { return .failure(.overflow) }
      bytes = UInt64(product.rounded())
    } else {
      guard let value = UInt64(body) else { return .failure(.overflow) }
      let (product, overflow) = value.multipliedReportingOverflow(by: factor)
      guard !overflow, product <= UInt64(Int64.max) else { return .failure(.overflow) }
      bytes = product
    }
    if bytes == 0 && !allowZero { return .failure(.zero) }
    return .success(bytes)
  }

  /// The binary units `format` and `compact` write, largest first.
  static let binaryUnits: [(suffix: String, factor: UInt64)] = [
    ("TiB", 1 << 40), ("GiB", 1 << 30), ("MiB", 1 << 20), ("KiB", 1 << 10),
  ]

  /// Formats bytes with the largest binary unit that keeps one decimal, like `1.5 GiB`.
  package static func format(_ bytes: UInt64) -> String {
    let value = Double(bytes)
    for (suffix, factor) in binaryUnits where bytes >= factor {
      return String(format1: value / Double(factor)) + " " + suffix
    }
    return "\(bytes) B"
  }

  /// Writes bytes exactly and without spaces in the largest binary unit that divides them, like `256MiB`,
  /// `1536MiB` or `1000B`: one spelling per size, fit for file names.
  package static func compact(_ bytes: UInt64) -> String {
    for (suffix, factor) in binaryUnits where bytes >= factor && bytes % factor == 0 {
      return "\(bytes / factor)\(suffix)"
    }
    return "\(bytes)B"
  }
}

extension String {
  func trimmingSpaces() -> String {
    var s = Substring(self)
    while s.first == " " || s.first == "\t" { s.removeFirst() }
    while s.last == " " || s.last == "\t" { s.removeLast() }
    return String(s)
  }

  /// One decimal place without Foundation's locale-dependent formatting.
  init(format1 value: Double) {
    let tenths = Int((value * 10).rounded())
    self = "\(tenths / 10).\(abs(tenths % 10))"
  }
}
