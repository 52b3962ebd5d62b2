import Foundation
import Yams

/// malloc'ed blocks, as native bindings make them, optionally from several threads at once.
public struct Native: Step {
  public static let kind = "native"
  public static let summary = "count malloc'ed blocks of size or [MIN, MAX], touch, from threads: N (glibc arenas), every"

  let count: Int
  let size: ClosedRange<UInt64>
  let touch: Double
  let threads: Int
  let every: UInt64
  let seed: UInt64
  let name: String?
  public var definedName: String? { name }

  public static func parse(_ input: StepInput) throws -> Native {
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
    let count = try f.require("count") { try f.int($0, in: 1...1_000_000_000) }
    // All of a step's blocks are held at once; with a range, each may be the largest.
    if let problem = ScenarioBounds.totalProblem(count: count, each: size.upperBound) {
      throw input.context.error(at: sizeNode.mark, field: f.fieldPath("size"), problem)
    }
    let step = Native(
      count: count,
      size: size,
      touch: try f.touch("touch") ?? 1,
      threads: try f.int("threads", in: 1...1024) ?? 1,
      every: try f.duration("every") ?? 0,
      seed: UInt64(try f.int("seed", in: 0...Int.max) ?? 1),
      name: try f.name("as"))
    f.finish()
    return step
  }

  public func run(_ workload: Workload) throws {
    if threads == 1 { return try allocate(count, seed: seed, workload) }
    // Each thread allocates its share with its own malloc calls, so glibc gives it an arena, at
    // its first malloc or free (tcache_init), as it would a C program's thread. The threads are
    // bare pthreads that touch malloc only after a barrier releases them all: Foundation's Thread
    // mallocs as it starts, which handed each thread its own arena in creation order, every run
    // the same. Released together, a thread can finish and hand its arena back before another's
    // first malloc, which then takes that arena: some arenas get two threads' blocks, some sit
    // idle, and RSS varies from run to run as in C (arena-churn: +157 MiB every run with
    // Foundation's threads, +175...+215 MiB in C and now in oomlab).
    let gate = UnsafeMutablePointer<pthread_barrier_t>.allocate(capacity: 1)
    pthread_barrier_init(gate, nil, UInt32(threads))
    defer {
      pthread_barrier_destroy(gate)
      gate.deallocate()
    }
    let jobs = (0..<threads).map { t in
      let share = count / threads + (t < count % threads ? 1 : 0)
      return NativeJob(gate: gate) { try self.allocate(share, seed: self.seed &+ UInt64(t), workload) }
    }
    var started: [pthread_t] = []
    for job in jobs {
      var thread = pthread_t()
      // The job stays retained by `jobs` until after the join: releasing it in the thread would free memory there first.
      let code = pthread_create(&thread, nil, { context in
        let job = Unmanaged<NativeJob>.fromOpaque(context!).takeUnretainedValue()
        job.run()
        return nil
      }, Unmanaged.passUnretained(job).toOpaque())
      guard code == 0 else {
        // The threads already started wait at the barrier for this one: they cannot be released, so the worker cannot go on.
        fatalError("pthread_create for a native thread failed: \(ErrnoName.explain(code))")
      }
      started.append(thread)
    }
    for thread in started { pthread_join(thread, nil) }
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
          at: filled, to: Allocation(kind: .native, nameID: nameID, address: block, bytes: bytes, touched: touched))
        filled += 1
        if filled == batchSize {
          workload.record(UnsafeBufferPointer(rebasing: batch[..<filled]))
          filled = 0
        }
      }
    }
  }

}

/// One allocating thread's work, the barrier it waits at first, and what came of it.
private final class NativeJob {
  private let gate: UnsafeMutablePointer<pthread_barrier_t>
  private let work: () throws -> Void
  /// Set by the thread before it exits; read after the join.
  private(set) var result: Result<Void, Error> = .success(())

  init(gate: UnsafeMutablePointer<pthread_barrier_t>, work: @escaping () throws -> Void) {
    self.gate = gate
    self.work = work
  }

  /// Waits for every thread, then allocates.
  func run() {
    pthread_barrier_wait(gate)
    result = Result { try work() }
  }
}
