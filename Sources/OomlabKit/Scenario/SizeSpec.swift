/// A size as written in a scenario: absolute bytes or a share of the memory limit.
package enum SizeSpec: Equatable, Sendable, CustomStringConvertible {
  /// An absolute number of bytes.
  case bytes(UInt64)
  /// A percentage (0 < p <= 100) of the memory limit in force for the run.
  case percentOfLimit(Double)

  /// Parses a size written on the command line, `192MiB` or `75%`; nil when it is neither.
  package static func parse(_ text: String) -> SizeSpec? {
    let body = text.trimmingSpaces()
    if body.hasSuffix("%") {
      guard let percent = Double(String(body.dropLast()).trimmingSpaces()), percent > 0, percent <= 100 else { return nil }
      return .percentOfLimit(percent)
    }
    guard case .success(let bytes) = ByteSize.parse(body) else { return nil }
    return .bytes(bytes)
  }

  /// The size in bytes given the memory limit, or nil for a percentage without a limit.
  package func resolve(limit: UInt64?) -> UInt64? {
    switch self {
    case .bytes(let bytes): return bytes
    case .percentOfLimit(let percent):
      guard let limit else { return nil }
      return UInt64((Double(limit) * percent / 100).rounded(.down))
    }
  }

  /// One exact spelling without spaces, fit for file names: `192MiB`, `75%`, `12.5%`.
  package var compact: String {
    switch self {
    case .bytes(let bytes): return ByteSize.compact(bytes)
    case .percentOfLimit(let percent):
      return (percent == percent.rounded() ? "\(Int(percent))" : "\(percent)") + "%"
    }
  }

  package var description: String {
    switch self {
    case .bytes(let bytes): return ByteSize.format(bytes)
    case .percentOfLimit(let percent): return "\(percent)% of the limit"
    }
  }
}
