import Testing

@testable import OomlabKit

@Suite struct ProcStatTests {
  /// Builds a /proc/PID/stat line as Linux 6.x writes it, with the given command name.
  static func line(comm: String, minflt: UInt64, majflt: UInt64) -> String {
    "6370 (\(comm)) R 6367 6367 4092 0 -1 4194304 \(minflt) 3 \(majflt) 0 12 4 0 0 20 0 11 0 77878 "
      + "1247236096 99553 18446744073709551615 94889392693248 94889392713129 140721712902368 0 0 0 0 16781312 "
      + "134235650 0 0 0 17 1 0 0 0 0 0 94889392729136 94889392730752 94889543401472 140721712909008 "
      + "140721712909028 140721712909028 140721712910315 0\n"
  }

  @Test func readsMinorAndMajorFaults() throws {
    let stat = try #require(ProcStat.parse(Self.line(comm: "cat", minflt: 101, majflt: 0)))
    #expect(stat.minorFaults == 101)
    #expect(stat.majorFaults == 0)
  }

  @Test(
    "counts fields from the last parenthesis",
    arguments: ["Web Content", "(sd-pam)", "a) 1 2 3 (b", "x) R 1 2 3 4 5 6 7", ") (", "", " "])
  func commandNamesWithSpacesAndParentheses(_ comm: String) throws {
    let stat = try #require(ProcStat.parse(Self.line(comm: comm, minflt: 48_213, majflt: 19)))
    #expect(stat.minorFaults == 48_213)
    #expect(stat.majorFaults == 19)
  }

  @Test func realLineFromProcSelf() throws {
    let text =
      "6370 (cat) R 6367 6367 4092 0 -1 4194304 101 0 0 0 0 0 0 0 20 0 1 0 77878 3133440 413 "
      + "18446744073709551615 94889392693248 94889392713129 140721712902368 0 0 0 0 0 0 0 0 0 17 0 0 0 0 0 0 "
      + "94889392729136 94889392730752 94889543401472 140721712909008 140721712909028 140721712909028 "
      + "140721712910315 0\n"
    let stat = try #require(ProcStat.parse(text))
    #expect(stat.minorFaults == 101)
    #expect(stat.majorFaults == 0)
  }

  @Test func largeCountersFitIn64Bits() throws {
    let stat = try #require(
      ProcStat.parse(Self.line(comm: "java", minflt: 18_446_744_073_709_551_615, majflt: 4_294_967_296)))
    #expect(stat.minorFaults == UInt64.max)
    #expect(stat.majorFaults == 4_294_967_296)
  }

  @Test(
    "refuses text that is not a stat line",
    arguments: [
      "",
      "6370 cat R 6367",  // no parentheses
      "6370 (cat) R 6367 6367 4092 0 -1 4194304 101 0",  // cut before majflt
      "6370 (cat)",
      "6370 (cat) R 6367 6367 4092 0 -1 4194304 many 0 0 0",
      "6370 (cat) R 6367 6367 4092 0 -1 4194304 101 0 -1 0",
    ])
  func refuses(_ text: String) {
    #expect(ProcStat.parse(text) == nil)
  }

  @Test func anEmptyReadingIsZero() {
    #expect(ProcStat() == ProcStat.parse(Self.line(comm: "idle", minflt: 0, majflt: 0)))
  }
}
