import Foundation

/// A worker thread that copies the allocator's statistics into the shared page at the sampling interval.
///
/// mallinfo2 walks every free chunk and takes each arena's lock, so its cost grows with
/// fragmentation; the publisher waits at least ten times a reading's cost before the next, so
/// reading takes under a tenth of the time between readings (which then exceeds the interval).
final class AllocatorStatsPublisher: @unchecked Sendable {
  let page: SharedPage
  let interval: UInt64
  private var thread: Thread?
  /// Held while publishing: the worker's main thread publishes at step boundaries while this thread runs, and
  /// two writers would break the sequence lock.
  private let publishing = NSLock()
  /// When the published reading was taken; guarded by `publishing`.
  private var publishedTakenAt: UInt64 = 0

  init(page: SharedPage, interval: UInt64) {
    self.page = page
    self.interval = interval
  }

  func start() {
    let thread = Thread { [self] in self.loop() }
    thread.stackSize = 256 << 10
    thread.name = "oomlab-stats"
    self.thread = thread
    thread.start()
  }

  private func loop() {
    while true {
      let started = Clock.now()
      if let stats = AllocatorStats.read() { publish(stats, arenas: stats.arenas) }
      let cost = Clock.now() - started
      Clock.sleep(nanoseconds: max(interval, cost * 10))
    }
  }

  /// Publishes one reading; also used synchronously at each step boundary and before the worker reports completion.
  func publish(_ stats: AllocatorStats, arenas: UInt64?) {
    publishing.lock()
    defer { publishing.unlock() }
    // This thread's mallinfo2 can take a tenth of a second on a fragmented heap, and a step boundary's reading
    // taken meanwhile is published first: the older one must not replace it and make the figures go back in time.
    guard stats.takenAt >= publishedTakenAt else { return }
    publishedTakenAt = stats.takenAt
    // A sequence lock: the supervisor never takes allocated from one reading and active from the next.
    page.beginWriting(.allocatorStatsSequence)
    defer { page.endWriting(.allocatorStatsSequence) }
    page.store(.allocatorAllocatedBytes, stats.allocated)
    page.store(.allocatorActiveBytes, stats.active)
    page.store(.allocatorResidentBytes, stats.resident ?? UInt64.max)
    page.store(.allocatorRetainedBytes, stats.retained)
    page.store(.allocatorMetadataBytes, stats.metadata ?? UInt64.max)
    page.store(.allocatorArenas, arenas ?? UInt64.max)
    page.store(.allocatorStatsTakenAt, stats.takenAt)
    page.store(.allocatorStatsValid, 1)
  }
}
