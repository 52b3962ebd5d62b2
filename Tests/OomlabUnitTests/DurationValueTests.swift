import Testing

@testable import OomlabKit

@Suite struct DurationValueTests {
  static let valid: [(String, UInt64)] = [
      ("250ms", 250_000_000),
      ("1ms", 1_000_000),
      ("0.5ms", 500_000),
      ("100us", 100_000),
      ("2s", 2_000_000_000),
      ("1.5s", 1_500_000_000),
      (".25s", 250_000_000),
      ("1m", 60_000_000_000),
      ("3m", 180_000_000_000),
      ("0.5m", 30_000_000_000),
      ("0s", 0),
      ("0ms", 0),
      (" 5 s ", 5_000_000_000),
      ("20 ms", 20_000_000),
      ("1000ms", 1_000_000_000),
      ("1h", 3_600_000_000_000),
      ("2h", 7_200_000_000_000),
      ("0.5h", 1_800_000_000_000),
      ("24h", 86_400_000_000_000),
      (" 3 h ", 10_800_000_000_000),
  ]

  @Test("parses durations into nanoseconds", arguments: valid)
  func parses(_ text: String, _ nanoseconds: UInt64) {
    #expect(DurationValue.parseNanoseconds(text) == nanoseconds)
  }

  @Test(
    "refuses malformed, negative and overflowing durations",
    arguments: [
      "", "  ", "2", "250", "2H", "h", "-1h", "1hr", "1 h 5m", "2d", "2 seconds", "s", "ms", "m", "-1s", "-5ms", "+1s", "1e3ms", "two s",
      "1.2.3s", "1,5s", "1s 500ms", "2S", "2MS", "nan s", "inf s", "99999999999999m", "18446744073709551616s",
    ])
  func refuses(_ text: String) {
    #expect(DurationValue.parseNanoseconds(text) == nil)
  }

  @Test func unitsScaleAsDocumented() throws {
    let ms = try #require(DurationValue.parseNanoseconds("1ms"))
    let s = try #require(DurationValue.parseNanoseconds("1s"))
    let m = try #require(DurationValue.parseNanoseconds("1m"))
    #expect(s == 1000 * ms)
    #expect(m == 60 * s)
    #expect(try #require(DurationValue.parseNanoseconds("1h")) == 60 * m)
  }
}

@Suite struct SampleIntervalTests {
  @Test(
    "accepts 1ms to 1h",
    arguments: [("1ms", 1_000_000), ("100ms", 100_000_000), ("1.5s", 1_500_000_000), ("60m", 3_600_000_000_000), ("1h", 3_600_000_000_000), ("0.5h", 1_800_000_000_000)]
      as [(String, UInt64)])
  func accepts(_ text: String, _ nanoseconds: UInt64) {
    #expect(SampleInterval.parse(text) == nanoseconds)
  }

  @Test(
    "refuses what is malformed or out of range, never falling back to a default",
    arguments: ["0ms", "1us", "999us", "61m", "160000000m", "299999999m", "-5ms", "abc", "", "10", "1.01h", "2h"])
  func refuses(_ text: String) {
    #expect(SampleInterval.parse(text) == nil)
  }

  @Test func theBoundsAreOneMillisecondAndOneHour() {
    #expect(SampleInterval.contains(SampleInterval.minimum))
    #expect(!SampleInterval.contains(SampleInterval.minimum - 1))
    #expect(SampleInterval.contains(SampleInterval.maximum))
    #expect(!SampleInterval.contains(SampleInterval.maximum + 1))
    #expect(SampleInterval.contains(SampleInterval.standard))
  }

  @Test func formatWritesTheLargestWholeUnit() {
    #expect(DurationValue.format(0) == "0ns")
    #expect(DurationValue.format(1500) == "1500ns")
    #expect(DurationValue.format(1_000) == "1us")
    #expect(DurationValue.format(250_000_000) == "250ms")
    #expect(DurationValue.format(90_000_000_000) == "90s")
  }
}
