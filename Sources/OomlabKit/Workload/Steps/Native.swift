import Foundation
import Yams

/// malloc'ed blocks, as native bindings make them, optionally from several threads at once.
package struct Native: Step {
  package static let kind = "native"
  package static let summary = "count malloc'ed blocks of size or [MIN, MAX], touch, from threads: N (glibc arenas), every"
  package static let form = StepForm.fields(
    FieldSet([
      FieldSpec("size", .sizeOrRange, required: true, "each block's size, or [MIN, MAX] for sizes drawn between them"),
      FieldSpec("count", .integer(1...1_000_000_000), required: true, "how many blocks"),
      FieldSpec("touch", .touch, "how much of each block is written (default all)"),
      FieldSpec("threads", .integer(1...1024), "how many threads allocate, started together (glibc gives each an arena)"),
      FieldSpec("every", .duration(allowZero: true), "the pause between two blocks of a thread"),
      FieldSpec("seed", .integer(0...Int.max), "the seed of the sizes drawn from a range"),
      FieldSpec("as", .allocationName, "a name for free's what:"),
    ]))
  package static let example = "native: { count: 100000, size: [64, 4KiB], threads: 8, as: blocks }"

  let count: Int
  let size: ClosedRange<UInt64>
  let touch: Double
  let threads: Int
  let every: UInt64
  let seed: UInt64
  let name: String?
  package var definedName: String? { name }

  package static func parse(_ input: StepInput) throws -> Native {
    let f = try input.fields()
    let size: ClosedRange<UInt64>
    guard let sizeNode = f.node("size") else {
      throw input.context.error(at: f.mark, field: f.fieldPath("size"), "missing required field \"size\"")
    }
    if let pair = sizeNode.sequence {
      guard pair.count == 2 else {
        throw input.context.error(
          at: sizeNode.mark, field: f.fieldPath("size"), "expected a size or [MIN, MAX], got a list of \(pair.count)")
      }
      let bounds = try pair.enumerated().map { index, node in
        try FieldReader.bytes(node, field: f.fieldPath("size[\(index)]"), context: input.context)
      }
      guard bounds[0] <= bounds[1] else {
        throw input.context.error(
          at: sizeNode.mark, field: f.fieldPath("size"),
          "expected MIN <= MAX, got [\(pair[0].describe), \(pair[1].describe)] ([\(bounds[0]), \(bounds[1])] bytes)")
      }
      size = bounds[0]...bounds[1]
    } else {
      let bytes = try FieldReader.bytes(sizeNode, field: f.fieldPath("size"), context: input.context)
      size = bytes...bytes
    }
    let count = try f.require("count") { try f.int($0) }
    // All of a step's blocks are held at once; with a range, each may be the largest.
    if let problem = ScenarioBounds.totalProblem(count: count, each: size.upperBound) {
      throw input.context.error(at: sizeNode.mark, field: f.fieldPath("size"), problem)
    }
    let step = Native(
      count: count,
      size: size,
      touch: try f.touch("touch") ?? 1,
      threads: try f.int("threads") ?? 1,
      every: try f.duration("every") ?? 0,
      seed: UInt64(try f.int("seed") ?? 1),
      name: try f.name("as"))
    f.finish()
    return step
  }

  package func run(_ workload: Workload) throws {
    if threads == 1 { return try allocate(count, seed: seed, workload) }
    // Each thread allocates its share with its own malloc calls, so glibc gives it an arena at
    // its first malloc or free (tcache_init), as it would a C program's thread. The threads are
    // bare pthreads that touch malloc only once the gate releases them all: Foundation's Thread
    // mallocs as it starts, which handed each thread an arena of its own in creation order, the
    // same every run. Released together, a thread can finish and hand its arena back before
    // another's first malloc, which then takes it: some arenas get two threads' blocks, some sit
    // idle, and RSS varies from run to run as in C (arena-churn: +157 MiB every run with
    // Foundation's threads; +169...+209 MiB in C and +175...+211 MiB now, docs/fidelity.md).
    let gate = StartGate(parties: threads)
    let jobs = (0..<threads).map { t in
      let share = count / threads + (t < count % threads ? 1 : 0)
      return NativeJob(gate: gate) { try self.allocate(share, seed: self.seed &+ UInt64(t), workload) }
    }
    var started: [pthread_t] = []
    var failure: Int32 = 0
    for job in jobs {
      var thread = pthread_t()
      // `jobs` keeps each job alive until after the join: a release in the thread would free memory there first.
      let code = pthread_create(
        &thread, nil,
        { context in
          Unmanaged<NativeJob>.fromOpaque(context!).takeUnretainedValue().run()
          return nil
        }, Unmanaged.passUnretained(job).toOpaque())
      guard code == 0 else {
        failure = code
        break
      }
      started.append(thread)
    }
    if failure == 0 { gate.open() } else { gate.cancel() }
    for thread in started { pthread_join(thread, nil) }
    if failure != 0 {
      let what = "pthread_create for native thread \(started.count + 1) of \(threads) failed: \(ErrnoName.explain(failure))"
      throw failure == EAGAIN || failure == ENOMEM ? WorkloadError.allocationFailed(what) : WorkloadError.failed(what)
    }
    for job in jobs { try job.result.get() }
  }

  /// Allocates and records `n` blocks; `Workload.record` is thread-safe for native blocks.
  ///
  /// Without `every`, blocks are recorded 32 at a time, under one lock and one published sum:
  /// how glibc shares arenas between threads depends on how fast they allocate, so the harness
  /// slows them as little as it can.
  private func allocate(_ n: Int, seed: UInt64, _ workload: Workload) throws {
    var generator = SplitMix64(seed: seed)
    let nameID = AllocationNames.shared.id(name)
    let batchSize = every > 0 ? 1 : 32
    try withUnsafeTemporaryAllocation(of: Allocation.self, capacity: batchSize) { batch in
      var filled = 0
      defer { if filled > 0 { workload.record(UnsafeBufferPointer(rebasing: batch[..<filled])) } }
      for i in 0..<n {
        if i > 0 && every > 0 { Clock.sleep(nanoseconds: every) }
        let bytes =
          size.lowerBound == size.upperBound
          ? size.lowerBound : size.lowerBound + generator.next() % (size.upperBound - size.lowerBound + 1)
        let (block, touched) = try workload.mallocBlock(bytes, touch: touch)
        batch.initializeElement(
          at: filled, to: Allocation(kind: .native, nameID: nameID, address: block, bytes: bytes, touched: touched, touch: touch))
        filled += 1
        if filled == batchSize {
          workload.record(UnsafeBufferPointer(rebasing: batch[..<filled]))
          filled = 0
        }
      }
    }
  }

}

/// One allocating thread's work, the gate it waits at first, and what came of it.
private final class NativeJob {
  private let gate: StartGate
  private let work: () throws -> Void
  /// Set by the thread before it exits; read after the join.
  private(set) var result: Result<Void, Error> = .success(())

  init(gate: StartGate, work: @escaping () throws -> Void) {
    self.gate = gate
    self.work = work
  }

  /// Waits at the gate, then allocates unless the step was called off.
  func run() {
    guard gate.arriveAndWait() else { return }
    result = Result { try work() }
  }
}

/// Holds native's threads until all have started and the step opens it, or lets them go
/// without allocating when the step is called off because a thread could not be created.
///
/// A pthread mutex and condition variable, which take no malloc in the waiting threads.
private final class StartGate: @unchecked Sendable {
  private let lock = UnsafeMutablePointer<pthread_mutex_t>.allocate(capacity: 1)
  private let changed = UnsafeMutablePointer<pthread_cond_t>.allocate(capacity: 1)
  private let parties: Int
  private var arrived = 0
  /// nil while closed; true once opened, false once called off.
  private var verdict: Bool?

  init(parties: Int) {
    self.parties = parties
    pthread_mutex_init(lock, nil)
    pthread_cond_init(changed, nil)
  }

  deinit {
    pthread_cond_destroy(changed)
    pthread_mutex_destroy(lock)
    lock.deallocate()
    changed.deallocate()
  }

  /// Waits until the gate opens (true) or the step is called off (false).
  func arriveAndWait() -> Bool {
    pthread_mutex_lock(lock)
    arrived += 1
    pthread_cond_broadcast(changed)
    while verdict == nil { pthread_cond_wait(changed, lock) }
    let go = verdict!
    pthread_mutex_unlock(lock)
    return go
  }

  /// Releases every thread together, once all have arrived.
  func open() {
    pthread_mutex_lock(lock)
    while arrived < parties { pthread_cond_wait(changed, lock) }
    verdict = true
    pthread_cond_broadcast(changed)
    pthread_mutex_unlock(lock)
  }

  /// Lets the threads that started go without allocating.
  func cancel() {
    pthread_mutex_lock(lock)
    verdict = false
    pthread_cond_broadcast(changed)
    pthread_mutex_unlock(lock)
  }
}
