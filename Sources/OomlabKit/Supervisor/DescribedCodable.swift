/// A value the JSON summary writes as the text the human summary prints, and reads back from that text.
///
/// One vocabulary for both summaries: `oom-kill`, `signalled (SIGKILL)`, `cgroup /sys/fs/cgroup/...`.
package protocol DescribedCodable: Codable, CustomStringConvertible {
  /// What the value is called in the error for text no value prints, like `outcome`.
  static var noun: String { get }
  /// Reads a value back from its `description`; nil for text no value prints.
  init?(description: String)
}

extension DescribedCodable {
  package init(from decoder: any Decoder) throws {
    let container = try decoder.singleValueContainer()
    let text = try container.decode(String.self)
    guard let value = Self(description: text) else {
      throw DecodingError.dataCorruptedError(in: container, debugDescription: "unknown \(Self.noun) \"\(text)\"")
    }
    self = value
  }

  package func encode(to encoder: any Encoder) throws {
    var container = encoder.singleValueContainer()
    try container.encode(description)
  }
}
