/// The highest values seen over a worker's samples.
package struct Peaks: Codable, Equatable {
  /// Highest sampled VmRSS.
  package var rssBytes: UInt64 = 0
  /// Highest sampled VmSize.
  package var vmsBytes: UInt64 = 0
  /// The kernel's own peak RSS (VmHWM) at the last sample: catches peaks between samples.
  package var hwmBytes: UInt64 = 0
  /// Highest sampled thread count.
  package var threads: UInt64 = 0
  package var buffersLiveBytes: UInt64 = 0
  package var nativeLiveBytes: UInt64 = 0
  package var pagesReservedBytes: UInt64 = 0
  package var pagesTouchedBytes: UInt64 = 0
  package var stacksReservedBytes: UInt64 = 0
  package var heapUsedBytes: UInt64 = 0
  package var heapTotalBytes: UInt64 = 0
  package var externalBytes: UInt64 = 0
  /// Highest ArrayBuffer and Buffer bytes a Node process reported (exec only).
  package var arrayBuffersBytes: UInt64 = 0
  /// Collections at the last sample (a count, so its last value is its highest).
  package var gcCount: UInt64 = 0
  /// Highest frag_ratio (allocator_resident_bytes / allocator_allocated_bytes) over the rows with at least
  /// `AllocatorStats.ratioFloorBytes` allocated; nil when no such row had both figures.
  package var fragRatio: Double?
  /// Seconds into the run of the first row that showed `fragRatio`.
  package var fragRatioAtSeconds: Double?
  /// How old the allocator reading behind `fragRatio` was in that row (allocator_age_seconds).
  package var fragRatioAgeSeconds: Double?
  /// VmRSS at the last sample.
  package var finalRssBytes: UInt64 = 0

  mutating func update(_ sample: Sample) {
    if let status = sample.status {
      rssBytes = max(rssBytes, status.rss)
      vmsBytes = max(vmsBytes, status.vms)
      hwmBytes = max(hwmBytes, status.hwm)
      threads = max(threads, status.threads)
      finalRssBytes = status.rss
    }
    // Strictly greater: rows repeating one reading keep the first, where that reading was youngest.
    if let resident = sample.allocatorValue(.allocatorResidentBytes),
      let allocated = sample.allocatorValue(.allocatorAllocatedBytes), allocated >= AllocatorStats.ratioFloorBytes,
      case let ratio = Double(resident) / Double(allocated), ratio > fragRatio ?? 0
    {
      fragRatio = ratio
      fragRatioAtSeconds = sample.seconds
      fragRatioAgeSeconds = sample.allocatorAge
    }
    buffersLiveBytes = max(buffersLiveBytes, sample.counter(.buffersLiveBytes) ?? 0)
    nativeLiveBytes = max(nativeLiveBytes, sample.counter(.nativeLiveBytes) ?? 0)
    pagesReservedBytes = max(pagesReservedBytes, sample.counter(.pagesReservedBytes) ?? 0)
    pagesTouchedBytes = max(pagesTouchedBytes, sample.counter(.pagesTouchedBytes) ?? 0)
    stacksReservedBytes = max(stacksReservedBytes, sample.counter(.stacksReservedBytes) ?? 0)
    heapUsedBytes = max(heapUsedBytes, sample.heap(.heapUsedBytes) ?? 0)
    heapTotalBytes = max(heapTotalBytes, sample.heap(.heapTotalBytes) ?? 0)
    externalBytes = max(externalBytes, sample.heap(.externalBytes) ?? 0)
    arrayBuffersBytes = max(arrayBuffersBytes, sample.node?.arrayBuffers ?? 0)
    gcCount = max(gcCount, sample.counter(.gcCount) ?? 0)
  }
}
