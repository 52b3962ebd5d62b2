import Foundation
import Yams

/// malloc'ed blocks, as native bindings make them, optionally from several threads at once.
public struct Native: Step {
  public static let kind = "native"
  public static let summary = "count malloc'ed blocks of size or [MIN, MAX], touch, from threads: N (glibc arenas), every"
  public static let form = StepForm.fields(
    FieldSet([
      FieldSpec("size", .sizeOrRange, required: true, "each block's size, or [MIN, MAX] for sizes drawn between them"),
      FieldSpec("count", .integer(1...1_000_000_000), required: true, "how many blocks"),
      FieldSpec("touch", .touch, "how much of each block is written (default all)"),
      FieldSpec("threads", .integer(1...1024), "how many threads allocate, started together (glibc gives each an arena)"),
      FieldSpec("every", .duration(allowZero: true), "the pause between two blocks of a thread"),
      FieldSpec("seed", .integer(0...Int.max), "the seed of the sizes drawn from a range"),
      FieldSpec("as", .allocationName, "a name for free's what:"),
    ]))
  public static let example = "native: { count: 100000, size: [64, 4KiB], threads: 8, as: blocks }"

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

  public func run(_ workload: Workload) throws {
    if threads == 1 { return try allocate(count, seed: seed, workload) }
    // Each thread allocates its share with its own malloc calls, so glibc gives it an arena.
    let box = ResultsBox(count: threads)
    // All threads start allocating together: a thread that ran alone after another exited
    // would inherit the idle arena instead of contending for a new one.
    let gate = StartGate(parties: threads)
    var workers: [Thread] = []
    let done = DispatchGroup()
    for t in 0..<threads {
      let share = count / threads + (t < count % threads ? 1 : 0)
      done.enter()
      let thread = Thread {
        gate.arriveAndWait()
        let result = Result { try self.allocate(share, seed: self.seed &+ UInt64(t), workload) }
        box.set(t, result)
        done.leave()
      }
      thread.stackSize = 1 << 20
      workers.append(thread)
      thread.start()
    }
    done.wait()
    for result in box.results { try result.get() }
  }

  /// Allocates and records `n` blocks; `Workload.record` is thread-safe for native blocks.
  private func allocate(_ n: Int, seed: UInt64, _ workload: Workload) throws {
    var generator = SplitMix64(seed: seed)
    for i in 0..<n {
      if i > 0 && every > 0 { Clock.sleep(nanoseconds: every) }
      let bytes =
        size.lowerBound == size.upperBound
        ? size.lowerBound : size.lowerBound + generator.next() % (size.upperBound - size.lowerBound + 1)
      let (block, touched) = try workload.mallocBlock(bytes, touch: touch)
      workload.record(Allocation(kind: .native, name: name, address: block, bytes: bytes, touched: touched, thread: nil))
    }
  }
}

/// Collects each allocating thread's result under a lock.
private final class ResultsBox: @unchecked Sendable {
  private let lock = NSLock()
  private var storage: [Result<Void, Error>]

  init(count: Int) { storage = Array(repeating: .success(()), count: count) }

  func set(_ index: Int, _ result: Result<Void, Error>) {
    lock.lock()
    storage[index] = result
    lock.unlock()
  }

  var results: [Result<Void, Error>] {
    lock.lock()
    defer { lock.unlock() }
    return storage
  }
}

/// Holds threads until all of them have arrived.
private final class StartGate: @unchecked Sendable {
  private let condition = NSCondition()
  private var waiting: Int

  init(parties: Int) { waiting = parties }

  func arriveAndWait() {
    condition.lock()
    waiting -= 1
    if waiting == 0 { condition.broadcast() }
    while waiting > 0 { condition.wait() }
    condition.unlock()
  }
}
