import Testing

@testable import OomlabKit

/// The live status line as text: what it shows, and that it fits the terminal and stays printable.
@Suite struct LiveStatusTests {
  static let MiB: UInt64 = 1 << 20

  @Test func showsElapsedStepRssAgainstTheLimitHeapAndOutcome() {
    var status = LiveStatus()
    status.seconds = 12.34
    status.step = "leak"
    status.stepName = "cache"
    status.rss = 128 * Self.MiB
    status.limit = 256 * Self.MiB
    status.heapUsed = 40 * Self.MiB
    #expect(status.render(width: 200) == "12.3 s  leak (cache)  rss [#####.....] 128.0 MiB / 256.0 MiB  heap 40.0 MiB")
    status.outcome = "oom-kill"
    #expect(status.render(width: 200).hasSuffix("heap 40.0 MiB  -> oom-kill"))
  }

  @Test func withoutALimitThereIsNoBar() {
    var status = LiveStatus()
    status.rss = 3 * Self.MiB
    #expect(status.render(width: 80) == "0.0 s  rss 3.0 MiB")
  }

  @Test func aMatrixCellAndSeveralProcessesAreNamed() {
    var status = LiveStatus()
    status.cellIndex = 2
    status.cellCount = 6
    status.processes = 3
    #expect(status.render(width: 80) == "cell 2 of 6  0.0 s  3 processes")
  }

  @Test func theBarIsFullAtAndPastTheLimit() {
    #expect(LiveStatus.bar(0, of: 100) == "[..........]")
    #expect(LiveStatus.bar(54, of: 100) == "[#####.....]")
    #expect(LiveStatus.bar(100, of: 100) == "[##########]")
    #expect(LiveStatus.bar(300, of: 100) == "[##########]")
  }

  @Test(arguments: [1, 2, 10, 40, 79, 80])
  func theLineNeverReachesTheLastColumn(width: Int) {
    var status = LiveStatus()
    status.cellIndex = 12
    status.cellCount = 40
    status.seconds = 1234.5
    status.step = "pages"
    status.stepName = "a-rather-long-name-for-a-step"
    status.rss = 100 * Self.MiB
    status.limit = 512 * Self.MiB
    status.heapUsed = 1 << 30
    status.outcome = "oom-kill (simulated)"
    let line = status.render(width: width)
    #expect(line.count <= width - 1)
    #expect(line.count == min(width - 1, status.render(width: 1000).count))
  }

  @Test func aStepNameCannotSendControlsToTheTerminal() {
    var status = LiveStatus()
    status.step = "hold"
    status.stepName = "x\u{1B}[2Jy\rz\u{7F}é"
    let line = status.render(width: 80)
    #expect(line == "0.0 s  hold (x?[2Jy?z??)")
    #expect(!line.unicodeScalars.contains { $0.value < 0x20 || $0.value >= 0x7F })
  }

  @Test func aTickSumsTheProcessesAndNamesTheFirstStep() {
    var first = Sample()
    first.status = ProcStatus()
    first.status?.rss = 10 * Self.MiB
    first.stepIndex = 1
    first.step = "buffers"
    var second = Sample()
    second.status = ProcStatus()
    second.status?.rss = 5 * Self.MiB
    let status = LiveStatus(seconds: 2, samples: [second, first], limit: 64 * Self.MiB, stepNames: [nil, "blocks"])
    #expect(status.rss == 15 * Self.MiB)
    #expect(status.step == "buffers")
    #expect(status.stepName == "blocks")
    #expect(status.processes == 2)
    // Neither sample has heap figures: no heap on the line.
    #expect(status.heapUsed == nil)
  }
}
