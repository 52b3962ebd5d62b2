import Testing

@testable import OomlabKit

@Suite struct CSVLineTests {
  static let lines: [([String], String)] = [
    (["a", "b", "c"], "a,b,c"),
    (["", "", ""], ",,"),
    (["dirty_decay_ms:0,muzzy_decay_ms:0", "x"], "\"dirty_decay_ms:0,muzzy_decay_ms:0\",x"),
    (["say \"hi\"", "1"], "\"say \"\"hi\"\"\",1"),
    (["\"", ","], "\"\"\"\",\",\""),
    (["50%", "quick-glibc-256MiB-heap50%.csv"], "50%,quick-glibc-256MiB-heap50%.csv"),
  ]

  @Test("joins fields, quoting only where needed, and splits them back", arguments: lines)
  func roundTrips(_ fields: [String], _ line: String) {
    #expect(CSVLine.join(fields) == line)
    #expect(CSVLine.split(line) == fields)
  }

  @Test func aQuoteInsideAnUnquotedFieldIsKeptAsWritten() {
    #expect(CSVLine.split("a\"b,c") == ["a\"b", "c"])
  }

  @Test func aQuoteLeftOpenRunsToTheEndOfTheLine() {
    #expect(CSVLine.split("\"a,b") == ["a,b"])
  }
}
