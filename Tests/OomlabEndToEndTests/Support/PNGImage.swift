/// A PNG file read chunk by chunk with every chunk's CRC checked: enough to tell a whole image of a known size
/// from a truncated or garbled file.
struct PNGImage {
  /// The width and height IHDR gives, in pixels.
  let width: Int
  let height: Int
  /// The chunk types in file order, IHDR first and IEND last.
  let chunks: [String]

  /// Reads `bytes` as a PNG, or nil when the signature, a length, a CRC or the chunk order is wrong.
  init?(_ bytes: [UInt8]) {
    let signature: [UInt8] = [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A]
    guard bytes.count > 8, Array(bytes[0..<8]) == signature else { return nil }
    func word(_ at: Int) -> Int { bytes[at..<at + 4].reduce(0) { $0 << 8 | Int($1) } }
    var offset = 8
    var chunks: [String] = []
    var size: (Int, Int)?
    while offset + 12 <= bytes.count {
      let length = word(offset)
      guard offset + 12 + length <= bytes.count else { return nil }
      let typed = Array(bytes[(offset + 4)..<(offset + 8 + length)])
      guard UInt32(word(offset + 8 + length)) == Self.crc32(typed) else { return nil }
      let type = String(decoding: typed[0..<4], as: UTF8.self)
      if type == "IHDR" { size = (word(offset + 8), word(offset + 12)) }
      chunks.append(type)
      offset += 12 + length
      if type == "IEND" { break }
    }
    guard offset == bytes.count, chunks.first == "IHDR", chunks.last == "IEND", chunks.contains("IDAT"),
      let size
    else { return nil }
    (width, height, self.chunks) = (size.0, size.1, chunks)
  }

  /// The CRC-32 PNG puts after each chunk (ISO 3309, over the type and the data).
  static func crc32(_ bytes: [UInt8]) -> UInt32 {
    var crc: UInt32 = 0xFFFF_FFFF
    for byte in bytes {
      crc ^= UInt32(byte)
      for _ in 0..<8 { crc = crc & 1 == 1 ? (crc >> 1) ^ 0xEDB8_8320 : crc >> 1 }
    }
    return ~crc
  }
}
