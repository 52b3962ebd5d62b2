/// A cell in JSON: numbers as numbers, text as a string, an empty cell as null.
extension CSVValue: Codable {
  package init(from decoder: any Decoder) throws {
    let container = try decoder.singleValueContainer()
    if container.decodeNil() {
      self = .empty
    } else if let value = try? container.decode(UInt64.self) {
      self = .unsigned(value)
    } else if let value = try? container.decode(Int64.self) {
      self = .integer(value)
    } else if let value = try? container.decode(Double.self) {
      self = .decimal(value)
    } else {
      self = .text(try container.decode(String.self))
    }
  }

  package func encode(to encoder: any Encoder) throws {
    var container = encoder.singleValueContainer()
    switch self {
    case .integer(let value): try container.encode(value)
    case .unsigned(let value): try container.encode(value)
    case .decimal(let value), .ratio(let value): try container.encode(value)
    case .text(let value): try container.encode(value)
    case .empty: try container.encodeNil()
    }
  }

  /// The cell as the CSV spells it.
  package var csvText: String {
    var bytes: [UInt8] = []
    CSVWriter.append(self, to: &bytes)
    return String(decoding: bytes, as: UTF8.self)
  }
}
