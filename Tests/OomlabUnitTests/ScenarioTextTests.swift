import Testing

@testable import OomlabKit

@Suite struct ScenarioTextTests {
  @Test(
    "decodes well-formed UTF-8 unchanged",
    arguments: ["name: x\n", "about: héllo wörld 名前 🙂\n", "", "a\r\nb\n"])
  func decodesUTF8(_ text: String) throws {
    #expect(try ScenarioText.decode(Array(text.utf8), file: "f.yaml") == text)
  }

  /// Bytes that are not UTF-8, and the 1-based line and column of the first bad byte.
  static let malformed: [(label: String, bytes: [UInt8], line: Int, column: Int, byte: String)] = [
    ("a lone 0xFF", Array("name: x\nabout: a".utf8) + [0xFF] + Array("b\n".utf8), 2, 9, "0xFF"),
    ("a continuation byte first", Array("x: ".utf8) + [0x80], 1, 4, "0x80"),
    ("an overlong slash", Array("x: é".utf8) + [0xC0, 0xAF], 1, 5, "0xC0"),
    ("a truncated sequence at the end", Array("x: ".utf8) + [0xE2, 0x82], 1, 4, "0xE2"),
    ("a UTF-16 surrogate", [0xED, 0xA0, 0x80], 1, 1, "0xED"),
    ("a code point above U+10FFFF", Array("\n\n".utf8) + [0xF4, 0x90, 0x80, 0x80], 3, 1, "0xF4"),
  ]

  @Test("refuses bytes that are not UTF-8 at their line and column", arguments: malformed)
  func refusesMalformedUTF8(_ bad: (label: String, bytes: [UInt8], line: Int, column: Int, byte: String)) throws {
    let error = try #require(#expect(throws: ScenarioError.self) { try ScenarioText.decode(bad.bytes, file: "f.yaml") })
    #expect(error.line == bad.line, "\(bad.label)")
    #expect(error.column == bad.column, "\(bad.label)")
    #expect(error.problem == "not valid UTF-8: byte \(bad.byte) cannot appear here; expected UTF-8 text")
  }

  @Test func aLeadingByteOrderMarkIsDropped() throws {
    #expect(try ScenarioText.readable("\u{FEFF}name: x\n", file: "f.yaml") == "name: x\n")
    #expect(try ScenarioText.readable("name: x\n", file: "f.yaml") == "name: x\n")
  }

  @Test func escapingWritesControlCharactersAsEscapes() {
    #expect("a\u{1B}[31mred\u{0}\u{7F}\u{9B}\u{202E}".escapingNonPrintable == "a\\u{1B}[31mred\\u{0}\\u{7F}\\u{9B}\\u{202E}")
    #expect("tab\there é 名".escapingNonPrintable == "tab\there é 名")
  }
}
