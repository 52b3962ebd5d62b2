extension LiveStatus {
  /// The status of a tick: the samples' RSS and heap used summed, the step of the first sample that has one.
  ///
  /// - Parameters:
  ///   - samples: The last row of every process still running.
  ///   - stepNames: The scenario's `as:` names by step index (empty for `exec`).
  package init(seconds: Double, samples: [Sample], limit: UInt64?, stepNames: [String?] = []) {
    self.init()
    self.seconds = seconds
    self.limit = limit
    processes = max(samples.count, 1)
    let rss = samples.compactMap { $0.status?.rss }
    self.rss = rss.isEmpty ? nil : rss.reduce(0, +)
    // A scenario without heap steps has a heap of 0 bytes: not worth a place on the line.
    let heap = samples.compactMap { $0.heap(.heapUsedBytes) }.reduce(0, +)
    heapUsed = heap > 0 ? heap : nil
    if let sample = samples.first(where: { $0.stepIndex != nil }), let index = sample.stepIndex {
      step = sample.step
      stepName = index < stepNames.count ? stepNames[index] : nil
    }
  }
}
