import Foundation
import Testing

@testable import OomlabKit
import OomlabTestSupport

/// Step boundaries: the worker waits at each step's start and end until the supervisor has sampled it.
struct StepBoundaryTests {
  /// Every row as a dictionary keyed by column name.
  static func rows(_ csv: CSVTable) -> [[String: String]] {
    csv.rows.map { Dictionary(uniqueKeysWithValues: zip(csv.header, $0)) }
  }

  @Test func wordKeepsKindStepAndNumber() throws {
    for boundary in [
      StepBoundary(kind: .stepStart, stepIndex: 0, number: 1),
      StepBoundary(kind: .stepEnd, stepIndex: 41, number: 7),
      StepBoundary(kind: .stepEnd, stepIndex: 0x7FFF_FFFD, number: 0xFFFF_FFFF),
    ] {
      #expect(StepBoundary(word: boundary.word) == boundary)
    }
    // A page that has seen no boundary holds zero: nothing is pending.
    #expect(StepBoundary(word: 0) == nil)
  }

  /// Three steps far shorter than the interval each get a start and an end row, in order and named, and
  /// the end row of a touch is measured after the touch.
  @Test func stepsShorterThanATickGetStartAndEndRows() throws {
    let before = Date().timeIntervalSince1970
    let result = try OomlabProcess.run(
      """
      name: short-steps
      sample: 2s
      steps:
        - pages: { size: 64MiB, touch: all, as: touched }
        - native: { count: 32, size: 1MiB, as: small }
        - hold: 5ms
      """)
    defer { result.cleanUp() }
    let after = Date().timeIntervalSince1970
    #expect(result.status == 0, "\(result.stderr)")
    let csv = try #require(result.csv)
    let rows = Self.rows(csv)
    let events = rows.filter { $0["row"] == "step_start" || $0["row"] == "step_end" }
    #expect(events.map { $0["row"] ?? "" } == ["step_start", "step_end", "step_start", "step_end", "step_start", "step_end"])
    #expect(events.map { $0["step"] ?? "" } == ["pages", "pages", "native", "native", "hold", "hold"])
    #expect(events.map { $0["step_index"] ?? "" } == ["0", "0", "1", "1", "2", "2"])
    #expect(events.map { $0["step_name"] ?? "" } == ["touched", "touched", "small", "small", "", ""])
    #expect(rows.first?["row"] == "start" && rows.last?["row"] == "end", "\(rows.map { $0["row"] ?? "" })")
    // A run shorter than the 2 s interval has no tick: every row is the start, an event or the end.
    if (csv.last("t_seconds") ?? 0) < 1.9 { #expect(rows.count == 8, "\(rows.map { $0["row"] ?? "" })") }
    let touchStart = try #require(events[0]["rss_bytes"].flatMap(Double.init))
    let touchEnd = try #require(events[1]["rss_bytes"].flatMap(Double.init))
    #expect(touchEnd - touchStart >= 60 * MiB, "RSS grew \((touchEnd - touchStart) / MiB) MiB over the touch")
    // The allocator's figures are read at the boundary too, not left as the last 2 s reading had them.
    let mallocStart = try #require(events[2]["allocator_allocated_bytes"].flatMap(Double.init))
    let mallocEnd = try #require(events[3]["allocator_allocated_bytes"].flatMap(Double.init))
    #expect(mallocEnd - mallocStart >= 31 * MiB, "malloc's allocated bytes grew \((mallocEnd - mallocStart) / MiB) MiB")

    let times = csv.numbers("t_seconds"), unix = csv.numbers("unix_time")
    #expect(unix.count == rows.count)
    for (t, u) in zip(times, unix) {
      #expect(u >= before - 2 && u <= after + 2, "unix_time \(u) outside the run [\(before), \(after)]")
      // Both clocks advance together: their difference stays put to within the sampling's own delays.
      #expect(abs((u - t) - (unix[0] - times[0])) <= 0.05, "unix_time \(u) at t_seconds \(t)")
    }
    #expect(zip(unix, unix.dropFirst()).allSatisfy { $0 <= $1 }, "unix_time goes back: \(unix)")
  }

  /// Only a `repeat`'s first pass posts its nested steps' boundaries: the CSV does not grow with the count.
  @Test func repeatedStepsPostTheirBoundariesOnce() throws {
    let result = try OomlabProcess.run(
      """
      name: loop
      sample: 2s
      steps:
        - repeat: { times: 200, steps: [ { native: { count: 1, size: 4KiB } }, { hold: 1ms } ] }
        - hold: 1ms
      """)
    defer { result.cleanUp() }
    #expect(result.status == 0, "\(result.stderr)")
    let rows = Self.rows(try #require(result.csv))
    let events = rows.filter { $0["row"] == "step_start" || $0["row"] == "step_end" }
    #expect(
      events.map { "\($0["row"] ?? "") \($0["step"] ?? "")" } == [
        "step_start repeat", "step_start native", "step_end native", "step_start hold", "step_end hold",
        "step_end repeat", "step_start hold", "step_end hold",
      ])
    // The repeat's end row comes after all 200 passes.
    let nativeEnd = try #require(rows.last { $0["row"] == "step_end" && $0["step"] == "repeat" }?["native_live_bytes"])
    #expect(Double(nativeEnd) ?? 0 >= 200 * 4096, "native_live_bytes \(nativeEnd) at the repeat's end")
  }
}
