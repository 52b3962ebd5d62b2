/// Turns a scenario file's bytes into text the YAML reader accepts, or says where and why it cannot.
///
/// libyaml refuses the same things, but its reader errors carry a character offset instead of a
/// line and column, and Yams echoes the raw line into the message; checking first keeps every
/// error in the `file:line:column:` form and never prints a control character to the terminal.
package enum ScenarioText {
  /// The UTF-8 byte-order mark some editors write first, which YAML allows and ignores.
  static let byteOrderMark: Unicode.Scalar = "\u{FEFF}"

  /// Decodes UTF-8, failing at the line and column of the first byte that is not UTF-8.
  package static func decode(_ bytes: [UInt8], file: String) throws -> String {
    var line = 1
    var column = 1
    var index = 0
    while index < bytes.count {
      let length = sequenceLength(bytes, at: index)
      guard length > 0 else {
        let byte = "0x" + String(bytes[index], radix: 16, uppercase: true)
        throw ScenarioError(
          file: file, line: line, column: column, field: "",
          problem: "not valid UTF-8: byte \(byte) cannot appear here; expected UTF-8 text")
      }
      if bytes[index] == 0x0A {
        line += 1
        column = 1
      } else {
        column += 1
      }
      index += length
    }
    return String(decoding: bytes, as: UTF8.self)
  }

  /// The length of the well-formed UTF-8 sequence at `index`, or 0 when it is malformed.
  static func sequenceLength(_ bytes: [UInt8], at index: Int) -> Int {
    let lead = bytes[index]
    let length: Int
    var low: UInt8 = 0x80
    var high: UInt8 = 0xBF
    switch lead {
    case 0x00...0x7F: return 1
    case 0xC2...0xDF: length = 2
    case 0xE0: length = 3; low = 0xA0
    case 0xE1...0xEC, 0xEE...0xEF: length = 3
    case 0xED: length = 3; high = 0x9F  // no UTF-16 surrogates
    case 0xF0: length = 4; low = 0x90
    case 0xF1...0xF3: length = 4
    case 0xF4: length = 4; high = 0x8F  // nothing above U+10FFFF
    default: return 0
    }
    guard index + length <= bytes.count else { return 0 }
    // Only the second byte has a narrowed range (overlongs, surrogates, beyond U+10FFFF).
    guard (low...high).contains(bytes[index + 1]) else { return 0 }
    for offset in 2..<max(2, length) where !(0x80...0xBF).contains(bytes[index + offset]) { return 0 }
    return length
  }

  /// Drops a leading byte-order mark and fails at the first character YAML does not allow.
  package static func readable(_ text: String, file: String) throws -> String {
    var scalars = Substring(text).unicodeScalars
    if scalars.first == byteOrderMark { scalars.removeFirst() }
    var line = 1
    var column = 1
    for scalar in scalars {
      if scalar == "\n" {
        line += 1
        column = 1
        continue
      }
      guard isAllowed(scalar) else {
        let hex = String(scalar.value, radix: 16, uppercase: true)
        let escape = scalar.value <= 0xFF ? "\\x" + (hex.count < 2 ? "0" : "") + hex : "\\u" + hex
        throw ScenarioError(
          file: file, line: line, column: column, field: "",
          problem: "found the non-printable character \(codePoint(scalar)); expected printable text"
            + " (inside double quotes it can be written \"\(escape)\")")
      }
      column += 1
    }
    return String(scalars)
  }

  /// Whether YAML 1.1 allows the character in a stream, as libyaml's reader checks it.
  static func isAllowed(_ scalar: Unicode.Scalar) -> Bool {
    switch scalar.value {
    case 0x09, 0x0A, 0x0D, 0x20...0x7E, 0x85, 0xA0...0xD7FF, 0xE000...0xFFFD, 0x10000...0x10FFFF: return true
    default: return false
    }
  }

  /// `U+001B` for a scalar, the way error messages name characters.
  static func codePoint(_ scalar: Unicode.Scalar) -> String {
    let hex = String(scalar.value, radix: 16, uppercase: true)
    return "U+" + String(repeating: "0", count: max(0, 4 - hex.count)) + hex
  }
}

extension String {
  /// The text with every character a terminal would act on (C0 and C1 controls, DEL, line and
  /// paragraph separators, bidirectional overrides) written as `\u{1B}` instead.
  package var escapingNonPrintable: String {
    var escaped = ""
    for scalar in unicodeScalars {
      switch scalar.value {
      case 0x00...0x08, 0x0A...0x1F, 0x7F...0x9F, 0x2028...0x2029, 0x202A...0x202E, 0x2066...0x2069:
        escaped += "\\u{\(String(scalar.value, radix: 16, uppercase: true))}"
      default:
        escaped.unicodeScalars.append(scalar)
      }
    }
    return escaped
  }
}
