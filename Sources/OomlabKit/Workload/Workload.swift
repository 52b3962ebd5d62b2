import COomlabShim
import Foundation
import Glibc

/// The worker's live state: what the scenario holds, published to the shared page as it changes.
package final class Workload {
  /// The page the supervisor reads.
  package let shared: SharedPage
  /// The memory limit in force, for sizes written as a share of it.
  package let limit: UInt64?
  /// The system page size.
  package let pageSize = UInt64(sysconf(Int32(_SC_PAGESIZE)))
  /// The managed heap that `objects` allocate in.
  package let heap: ManagedHeap
  /// What the scenario holds, in the order it was allocated; appended to from `native`'s threads.
  let live = AllocationTable()
  private let liveLock = NSLock()
  /// The payload bytes already added to `nativeLiveBytes`, which other steps add to as well.
  private var publishedPayloadBytes: UInt64 = 0
  /// The supervisor that samples each step's start and end while the worker waits; nil posts no boundaries.
  let supervisor: pid_t?
  /// Publishes the allocator's statistics before a boundary, so its row shows them as the step found or left them.
  var publishAllocatorStats: (() -> Void)?
  /// The lowest step index whose boundaries are not posted yet.
  private var firstUnposted = 0

  /// Creates the state of a worker publishing to `shared`, with a heap limited to `heapLimit` bytes, that
  /// waits at each step's start and end until `supervisor` has sampled it.
  package init(shared: SharedPage, limit: UInt64?, heapLimit: UInt64 = ManagedHeap.defaultLimit, supervisor: pid_t? = nil) {
    self.shared = shared
    self.limit = limit
    self.heap = ManagedHeap(limit: heapLimit)
    self.supervisor = supervisor
  }

  /// Runs steps in order, publishing which one is executing and posting its start and end the first time it runs.
  package func run(_ steps: [PlannedStep]) throws {
    for planned in steps {
      shared.store(.stepIndexPlusOne, UInt64(planned.index + 1))
      // Steps first run in pre-order, so a step below `firstUnposted` is a later pass of a `repeat`: posting
      // those would make the CSV's length and the run's speed grow with the iteration count.
      let posted = supervisor != nil && planned.index >= firstUnposted
      if posted {
        firstUnposted = planned.index + 1
        post(.stepStart, planned)
      }
      try planned.step.run(self)
      if posted { post(.stepEnd, planned) }
    }
  }

  private func post(_ kind: RowKind, _ planned: PlannedStep) {
    guard let supervisor else { return }
    publishAllocatorStats?()
    StepBoundary.post(kind, stepIndex: planned.index, on: shared, supervisor: supervisor)
  }

  /// The bytes of a size given the run's limit.
  func bytes(_ size: SizeSpec) throws -> UInt64 {
    guard let bytes = size.resolve(limit: limit) else {
      throw WorkloadError.failed("\(size) needs a memory limit and none is set")
    }
    return bytes
  }

  /// Records an allocation and publishes its cost: the one way a step registers what it holds.
  ///
  /// Safe from several threads for `native`, whose threads allocate together; returns the
  /// allocation's place for `settle(_:touched:)`. Throws when a buffer's external pressure ran a
  /// full collection that found the heap past its limit: Node dies at that allocation, not later.
  @discardableResult
  func record(_ allocation: Allocation) throws(HeapOutOfMemory) -> Int {
    liveLock.lock()
    let index = live.append(allocation)
    liveLock.unlock()
    publish(allocation, sign: 1)
    if let outOfMemory = heap.pendingOutOfMemory { throw outOfMemory }
    return index
  }

  /// Records several allocations at once, under one lock, and publishes their cost; safe from
  /// `native`'s threads, which record their blocks this way.
  func record(_ batch: UnsafeBufferPointer<Allocation>) {
    liveLock.lock()
    for allocation in batch { live.append(allocation) }
    liveLock.unlock()
    var nativeBytes: Int64 = 0
    for allocation in batch {
      if allocation.kind == .native { nativeBytes += Int64(allocation.bytes) } else { publish(allocation, sign: 1) }
    }
    if nativeBytes != 0 { shared.add(.nativeLiveBytes, nativeBytes) }
  }

  /// Notes how much of a recorded region ended up touched, once a step has published its progress itself.
  func settle(_ index: Int, touched: UInt64) {
    liveLock.lock()
    live.settle(index, touched: touched)
    liveLock.unlock()
  }

  /// Publishes an allocation's cost (sign -1 on release); thread-safe for `native` only, since
  /// buffers also move the heap's external figure.
  func publish(_ allocation: Allocation, sign: Int64) {
    let bytes = Int64(allocation.bytes) * sign
    switch allocation.kind {
    case .buffers:
      shared.add(.buffersLiveBytes, bytes)
      // Node reports Buffer memory to V8 as external: it counts in `external` and drives collection.
      heap.adjustExternal(by: bytes)
      publishHeap()
    case .native: shared.add(.nativeLiveBytes, bytes)
    case .pages:
      shared.add(.pagesReservedBytes, bytes)
      shared.add(.pagesTouchedBytes, Int64(allocation.touched) * sign)
    case .threads:
      shared.add(.stacksReservedBytes, bytes)
    case .objects:
      // Objects live in the managed heap, never in `live`; publishHeap() reports them.
      break
    }
  }

  /// Publishes the heap's figures; its payloads count in `nativeLiveBytes` as the malloc'ed memory they are.
  package func publishHeap() {
    let figures = heap.figures
    shared.store(.heapUsedBytes, figures.usedBytes)
    shared.store(.heapTotalBytes, figures.totalBytes)
    shared.store(.heapLimitBytes, figures.limitBytes)
    shared.store(.externalBytes, figures.externalBytes)
    shared.store(.gcCount, figures.collections)
    shared.store(.objectsLive, figures.liveObjects)
    shared.store(.scavengeCount, figures.scavenges)
    shared.store(.oldGenerationCapacityBytes, figures.oldCapacityBytes)
    if figures.payloadBytes != publishedPayloadBytes {
      shared.add(.nativeLiveBytes, Int64(figures.payloadBytes) - Int64(publishedPayloadBytes))
      publishedPayloadBytes = figures.payloadBytes
    }
  }

  /// Allocates with malloc and writes the first `touch` share of it.
  func mallocBlock(_ bytes: UInt64, touch: Double) throws -> (UnsafeMutableRawPointer, UInt64) {
    guard let block = malloc(Int(bytes)) else {
      throw WorkloadError.allocationFailed("malloc(\(bytes)) returned NULL (\(ErrnoName.explain(errno)))")
    }
    let touched = Self.touchedBytes(bytes, touch)
    if touched > 0 { memset(block, 0x5A, Int(touched)) }
    return (block, touched)
  }

  static func touchedBytes(_ bytes: UInt64, _ touch: Double) -> UInt64 {
    touch >= 1 ? bytes : UInt64((Double(bytes) * touch).rounded(.down))
  }

  /// Releases the chosen members of the live allocations that `matches` selects.
  ///
  /// Its scratch space (the candidates, the marks) is mapped, not malloc'ed, like the table itself.
  func release(where matches: (Allocation) -> Bool, fraction: Double, pattern: FreePattern, seed: UInt64) -> Int {
    liveLock.lock()
    defer { liveLock.unlock() }
    let candidates = MappedArray<Int>()
    live.forEach { index, allocation in if matches(allocation) { candidates.append(index) } }
    let count = Int((Double(candidates.count) * fraction).rounded())
    let doomed = MappedArray<Bool>(repeating: false, count: live.count)
    pattern.forEachSelected(count, of: candidates.count, seed: seed) { doomed[candidates[$0]] = true }
    candidates.removeAll()
    live.forEach { index, allocation in if doomed[index] { release(allocation) } }
    live.remove { doomed[$0] }
    return count
  }

  private func release(_ allocation: Allocation) {
    switch allocation.kind {
    case .buffers, .native: free(allocation.address)
    case .pages: munmap(allocation.address, Int(allocation.bytes))
    case .threads: oomlab_stack_thread_stop(allocation.thread)
    case .objects: break
    }
    publish(allocation, sign: -1)
  }
}
