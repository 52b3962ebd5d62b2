/// When the managed heap runs a full collection on its own: V8's two allocation limits.
///
/// One is on the old generation's objects (`old_generation_allocation_limit_`): half the heap
/// limit at first (`kInitalOldGenerationLimitFactor`, src/heap/heap.h), then after each
/// mark-compact the surviving bytes times a growing factor, at least 8 MiB more, plus the new
/// space, and never past halfway to the heap limit (`MemoryController::CalculateAllocationLimit`,
/// src/heap/heap-controller.cc). V8 starts incremental marking near it and finishes a little
/// later; oomlab collects at it. The other is on external memory: 64 MiB past what the last
/// mark-compact left (`Heap::ReportExternalMemoryPressure`). Payloads that are not reported move neither.
package struct CollectionTrigger: Equatable, Sendable {
  /// The least the old-generation limit grows by: `MinimumAllocationLimitGrowingStep`, 8 × 1 MiB.
  package static let minimumGrowingStep: UInt64 = 8 << 20

  /// The heap limit (max_old_generation_size).
  package let limit: UInt64
  /// How much the surviving bytes may grow before the next collection.
  package let growingFactor: Double
  /// Old-generation object bytes above which the heap runs a full collection.
  package private(set) var oldGenerationLimit: UInt64
  /// External bytes above which reporting more runs a full collection.
  package private(set) var externalLimit: UInt64

  /// Creates the trigger of a heap limited to `limit` bytes.
  package init(limit: UInt64) {
    self.limit = limit
    growingFactor = Self.maximumGrowingFactor(limit: limit)
    oldGenerationLimit = limit / 2
    externalLimit = HeapLayout.externalAllowance
  }

  /// V8's largest heap growing factor for a heap of `limit` bytes: 1.3 at 256 MiB and below,
  /// 4 at 2 GiB and above, and in between on a line from 1.3 to 2.0
  /// (`MemoryController::MaxGrowingFactor`, with its sizes times the pointer multiplier 2).
  ///
  /// V8 lowers the factor towards 1.1 when collection is slow next to the program; oomlab's
  /// collections are fast, so the largest applies.
  package static func maximumGrowingFactor(limit: UInt64) -> Double {
    let minimumSize: Double = 256
    let maximumSize: Double = 2048
    let megabytes = max(Double(limit) / 1_048_576, minimumSize)
    if megabytes >= maximumSize { return 4 }
    return (megabytes - minimumSize) * (2.0 - 1.3) / (maximumSize - minimumSize) + 1.3
  }

  /// Whether old-generation objects of `oldBytes` call for a full collection.
  package func shouldCollect(oldBytes: UInt64) -> Bool { oldBytes > oldGenerationLimit }

  /// Whether external memory of `externalBytes` calls for a full collection.
  package func externalPressure(_ externalBytes: UInt64) -> Bool { externalBytes > externalLimit }

  /// Moves both limits after a full collection that left `oldBytes` in the old generation and
  /// `externalBytes` outside the heap, with a new space of `newSpaceCapacity` usable bytes.
  package mutating func collected(oldBytes: UInt64, externalBytes: UInt64, newSpaceCapacity: UInt64) {
    let grown = max(UInt64(Double(oldBytes) * growingFactor), oldBytes + Self.minimumGrowingStep) + newSpaceCapacity
    let halfway = oldBytes / 2 + limit / 2
    oldGenerationLimit = min(grown, halfway)
    externalLimit = externalBytes + HeapLayout.externalAllowance
  }
}
