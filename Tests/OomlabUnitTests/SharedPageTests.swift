import Testing

@testable import OomlabKit

/// The sequence lock over the allocator's figures in the page the worker shares with the supervisor.
@Suite struct SharedPageTests {
  @Test func aWholeReadingIsTakenWhenTheWorkerIsNotWriting() throws {
    let page = try SharedPage.create()
    page.beginWriting(.allocatorStatsSequence)
    page.store(.allocatorAllocatedBytes, 10 << 20)
    page.store(.allocatorResidentBytes, 12 << 20)
    page.store(.allocatorStatsValid, 1)
    page.endWriting(.allocatorStatsSequence)
    var sample = Sample()
    sample.counters = page.snapshot()
    #expect(sample.allocatorValue(.allocatorAllocatedBytes) == 10 << 20)
    #expect(sample.allocatorValue(.allocatorResidentBytes) == 12 << 20)
  }

  @Test func aReadingStillBeingRewrittenIsLeftEmptyNotTorn() throws {
    let page = try SharedPage.create()
    page.beginWriting(.allocatorStatsSequence)
    page.store(.allocatorAllocatedBytes, 10 << 20)
    page.store(.allocatorResidentBytes, 12 << 20)
    page.store(.allocatorStatsValid, 1)
    page.endWriting(.allocatorStatsSequence)
    // A writer stopped halfway: the new allocated figure beside the old resident one would read as a ratio of 0.12.
    page.beginWriting(.allocatorStatsSequence)
    page.store(.allocatorAllocatedBytes, 100 << 20)
    page.store(.heapUsedBytes, 5 << 20)
    var sample = Sample()
    sample.counters = page.snapshot()
    for counter in [SharedCounter.allocatorAllocatedBytes, .allocatorResidentBytes, .allocatorStatsTakenAt] {
      #expect(sample.allocatorValue(counter) == nil, "\(counter)")
    }
    // Only the allocator's figures are guarded by the lock: the rest of the page is as fresh as ever.
    #expect(sample.counter(.heapUsedBytes) == 5 << 20)
  }
}
