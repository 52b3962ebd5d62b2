import Testing

@testable import OomlabKit

/// MALLOC_CONF split the way jemalloc splits it, and its values read the way jemalloc reads them.
struct JemallocConfTests {
  func pairs(_ text: String) throws -> [String] {
    try JemallocConf.parse(text).pairs.map { "\($0.key)=\($0.value)" }
  }

  @Test func pairsSplitAtCommasAndTheFirstColon() throws {
    #expect(try pairs("") == [])
    #expect(try pairs("dirty_decay_ms:0") == ["dirty_decay_ms=0"])
    #expect(try pairs("a:1,b_2:x y,c:") == ["a=1", "b_2=x y", "c="])
    // The value runs to the comma: a second colon is part of it, as jemalloc reads it.
    #expect(try pairs("dirty_decay_ms:5:6") == ["dirty_decay_ms=5:6"])
  }

  @Test func theLastValueOfAKeyIsTheOneInEffect() throws {
    let conf = try JemallocConf.parse("narenas:2,dirty_decay_ms:0,narenas:4")
    #expect(conf.effective.map { "\($0.key)=\($0.value)" } == ["narenas=4", "dirty_decay_ms=0"])
  }

  @Test(arguments: [
    ("dirty_decay_ms:5,", ","), ("a:1,,b:2", ",b:2"), ("a:1, b:2", " b:2"), (" a:1", " a:1"), (":5", ":5"),
    ("dirty_decay_ms", "dirty_decay_ms"), ("a-b:1", "a-b:1"), ("ä:1", "ä:1"),
  ])
  func malformedStringsAreRefusedWhereJemallocStopsReading(text: String, at: String) {
    #expect(throws: JemallocConfError.self) { try JemallocConf.parse(text) }
    do {
      _ = try JemallocConf.parse(text)
    } catch let error as JemallocConfError {
      guard case .malformed(let conf, let position, _) = error else {
        Issue.record("\(error)")
        return
      }
      #expect(conf == text && position == at)
      #expect(error.description.hasPrefix("malloc-conf \"\(text)\" is malformed at \"\(at)\""))
    } catch {
      Issue.record("\(error)")
    }
  }

  @Test func boolsAreExactlyTrueOrFalse() {
    #expect(JemallocOptionType.bool.parse("true") == .bool(true))
    #expect(JemallocOptionType.bool.parse("false") == .bool(false))
    for text in ["yes", "1", "TRUE", " true", ""] { #expect(JemallocOptionType.bool.parse(text) == nil, "\(text)") }
  }

  @Test func numbersReadWithBaseZeroAndNothingAfter() {
    #expect(JemallocOptionType.signed64.parse("-1") == .signed(-1))
    #expect(JemallocOptionType.signed64.parse("0x10") == .signed(16))
    #expect(JemallocOptionType.signed64.parse("010") == .signed(8))
    #expect(JemallocOptionType.signed64.parse(" 7") == .signed(7))
    #expect(JemallocOptionType.signed64.parse("+7") == .signed(7))
    #expect(JemallocOptionType.unsigned.parse("3") == .unsigned(3))
    #expect(JemallocOptionType.unsigned64.parse("1048576") == .unsigned(1_048_576))
    for text in ["", "abc", "5ms", "7 ", "08", "1e3", "99999999999999999999"] {
      #expect(JemallocOptionType.signed64.parse(text) == nil, "\(text)")
      #expect(JemallocOptionType.unsigned64.parse(text) == nil, "\(text)")
    }
    // strtoull would wrap "-1" to 2^64-1; jemalloc finds it out of range.
    #expect(JemallocOptionType.unsigned.parse("-1") == nil)
    #expect(JemallocOptionType.unsigned64.parse(" -1") == nil)
  }

  @Test func stringsAreTakenAsWritten() {
    #expect(JemallocOptionType.string.parse("percpu") == .string("percpu"))
    #expect(JemallocOptionType.string.parse(" percpu") == .string(" percpu"))
  }

  @Test func theDocumentedOptionsHaveTheManualsTypes() {
    #expect(JemallocOptionType.known["dirty_decay_ms"] == .signed64)
    #expect(JemallocOptionType.known["narenas"] == .unsigned)
    #expect(JemallocOptionType.known["percpu_arena"] == .string)
    #expect(JemallocOptionType.known["background_thread"] == .bool)
    #expect(JemallocOptionType.known["oversize_threshold"] == .unsigned64)
    #expect(JemallocOptionType.known["lg_tcache_max"] == nil, "gone in 5.x: opt.tcache_max replaced it")
  }

  @Test func refusalsNameTheKeyAndBothValues() {
    let notApplied = JemallocConfError.notApplied(key: "dirty_decay_ms", asked: "abc", actual: .signed(10000))
    #expect(notApplied.description.contains("\"dirty_decay_ms\" asks for \"abc\""))
    #expect(notApplied.description.contains("opt.dirty_decay_ms is 10000"))
    let unknown = JemallocConfError.unknownKey(key: "bogus", value: "1")
    #expect(unknown.description.contains("\"bogus\"") && unknown.description.contains("no opt.bogus"))
  }
}
