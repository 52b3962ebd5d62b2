/// Parses sizes and rates written the way the scenario language documents them.
public enum ByteSize {
  /// The multipliers of every accepted unit, powers of 1024 for the binary units.
  static let units: [(suffix: String, factor: UInt64)] = [
    ("TiB", 1 << 40), ("GiB", 1 << 30), ("MiB", 1 << 20), ("KiB", 1 << 10),
    ("TB", 1_000_000_000_000), ("GB", 1_000_000_000), ("MB", 1_000_000), ("KB", 1000),
    ("B", 1),
  ]

  /// The problem with a size string, phrased for an error message.
  public enum Problem: Error, Equatable {
    case malformed, negative, zero, overflow
  }

  /// Parses `10MiB`, `1.5 GiB`, `4KB` or a bare byte count into bytes.
  public static func parse(_ text: String, allowZero: Bool = false) -> Result<UInt64, Problem> {
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

  /// Formats bytes with the largest binary unit that keeps one decimal, like `1.5 GiB`.
  public static func format(_ bytes: UInt64) -> String {
    let value = Double(bytes)
    for (suffix, factor) in units where factor >= 1024 && suffix.hasSuffix("iB") {
      if bytes >= factor { return String(format1: value / Double(factor)) + " " + suffix }
    }
    return "\(bytes) B"
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
