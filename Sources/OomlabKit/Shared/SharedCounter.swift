/// The 64-bit slots of the page the worker publishes and the supervisor reads each tick.
///
/// The raw value is the slot's index; the order is part of the worker-supervisor contract
/// between two copies of the same binary, so it may change freely between versions.
package enum SharedCounter: Int, CaseIterable, Sendable {
  /// The worker's lifecycle state, a `WorkerState` raw value.
  case state
  /// Set to 1 by the supervisor once it has taken the baseline sample.
  case go
  /// Set to 1 by the supervisor once it has sampled the finished worker.
  case acknowledged
  /// The pre-order index of the step being executed, plus one (0 before the first step).
  case stepIndexPlusOne
  /// The step boundary the worker posted last, packed into one word by `StepBoundary`; it waits there until
  /// `boundarySampled` holds the boundary's number.
  case boundary
  /// The number of the latest boundary the supervisor has sampled.
  case boundarySampled
  case buffersLiveBytes
  case nativeLiveBytes
  case pagesReservedBytes
  case pagesTouchedBytes
  case stacksReservedBytes
  case heapUsedBytes
  case heapTotalBytes
  case heapLimitBytes
  case externalBytes
  case gcCount
  case objectsLive
  /// Of `gcCount`, the scavenges of the young generation.
  case scavengeCount
  /// What the heap compares with its limit: old-space pages' usable bytes plus large objects.
  case oldGenerationCapacityBytes
  /// Odd while the worker rewrites the allocator statistics below, even when they form one reading.
  case allocatorStatsSequence
  /// 1 when the allocator statistics below are valid.
  case allocatorStatsValid
  case allocatorAllocatedBytes
  case allocatorActiveBytes
  case allocatorResidentBytes
  case allocatorRetainedBytes
  case allocatorMetadataBytes
  case allocatorArenas
  /// When the worker began the reading above, nanoseconds on CLOCK_MONOTONIC.
  case allocatorStatsTakenAt
  /// How many `trim` steps found an allocator they cannot trim.
  case trimUnsupported
  /// The length of the failure message stored after the slots.
  case messageLength
}

/// Where a worker is in its life, as published in `SharedCounter.state`.
package enum WorkerState: UInt64, Sendable {
  case starting = 0
  /// Set up and waiting for the supervisor's baseline sample.
  case ready = 1
  case running = 2
  /// Every step ran; waiting for the supervisor's final sample.
  case completed = 3
  /// An allocation returned ENOMEM; the message says which.
  case allocationFailed = 4
  /// The managed heap exceeded its limit after a full collection.
  case heapOutOfMemory = 5
  /// The scenario could not run for another reason, described in the message.
  case failed = 6
}
