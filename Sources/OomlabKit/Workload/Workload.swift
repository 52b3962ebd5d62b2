import COomlabShim
import Foundation
import Glibc

/// The worker's live state: what the scenario holds, published to the shared page as it changes.
public final class Workload {
  /// The page the supervisor reads.
  public let shared: SharedPage
  /// The memory limit in force, for sizes written as a share of it.
  public let limit: UInt64?
  /// The system page size.
  public let pageSize = UInt64(sysconf(Int32(_SC_PAGESIZE)))
  /// The managed heap that `objects` allocate in.
  public let heap: ManagedHeap
  /// What the scenario holds, in the order it was allocated; appended to from `native`'s threads.
  private(set) var live: [Allocation] = []
  private let liveLock = NSLock()
  /// The payload bytes already added to `nativeLiveBytes`, which other steps add to as well.
  private var publishedPayloadBytes: UInt64 = 0

  /// Creates the state of a worker publishing to `shared`, with a heap limited to `heapLimit` bytes.
  public init(shared: SharedPage, limit: UInt64?, heapLimit: UInt64 = ManagedHeap.defaultLimit) {
    self.shared = shared
    self.limit = limit
    self.heap = ManagedHeap(limit: heapLimit)
  }

  /// Runs steps in order, publishing which one is executing.
  public func run(_ steps: [PlannedStep]) throws {
    for planned in steps {
      shared.store(.stepIndexPlusOne, UInt64(planned.index + 1))
      try planned.step.run(self)
    }
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
  /// allocation's place for `settle(_:touched:)`.
  @discardableResult
  func record(_ allocation: Allocation) -> Int {
    liveLock.lock()
    live.append(allocation)
    let index = live.count - 1
    liveLock.unlock()
    publish(allocation, sign: 1)
    return index
  }

  /// Notes how much of a recorded region ended up touched, once a step has published its progress itself.
  func settle(_ index: Int, touched: UInt64) {
    let old = live[index]
    live[index] = Allocation(
      kind: old.kind, name: old.name, address: old.address, bytes: old.bytes, touched: touched, thread: old.thread)
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
  public func publishHeap() {
    let figures = heap.figures
    shared.store(.heapUsedBytes, figures.usedBytes)
    shared.store(.heapTotalBytes, figures.totalBytes)
    shared.store(.heapLimitBytes, figures.limitBytes)
    shared.store(.externalBytes, figures.externalBytes)
    shared.store(.gcCount, figures.collections)
    shared.store(.objectsLive, figures.liveObjects)
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
  func release(where matches: (Allocation) -> Bool, fraction: Double, pattern: FreePattern, seed: UInt64) -> Int {
    let candidates = live.indices.filter { matches(live[$0]) }
    let count = Int((Double(candidates.count) * fraction).rounded())
    let chosen = pattern.select(count, of: candidates.count, seed: seed)
    var doomed = [Bool](repeating: false, count: live.count)
    for position in chosen { doomed[candidates[position]] = true }
    for index in live.indices where doomed[index] { release(live[index]) }
    live = live.indices.compactMap { doomed[$0] ? nil : live[$0] }
    return chosen.count
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
