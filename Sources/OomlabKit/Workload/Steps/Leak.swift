/// A steady leak: blocks allocated, written and never freed, at a fixed rate.
///
/// `of: objects` leaks reachable heap objects of the block size: a JavaScript leak, which ends
/// in "heap out of memory" once the heap limit is reached, unless the kernel kills first.
package struct Leak: Step {
  package static let kind = "leak"
  package static let summary = "a steady leak at rate: SIZE/s in blocks of SIZE, of native|buffers|objects, for DURATION or until killed"
  package static let form = StepForm.fields(
    FieldSet([
      FieldSpec("rate", .rate, required: true, "bytes leaked per second, like 50MiB/s"),
      FieldSpec("of", .choice(["native", "buffers", "objects"]), "what leaks: malloc'ed blocks, buffers, or reachable heap objects (default native)"),
      FieldSpec("block", .size(allowZero: false, allowPercent: false), "the size of each leaked block (default 1MiB)"),
      FieldSpec("for", .duration(allowZero: false), "how long to leak (default: until killed)"),
      FieldSpec("as", .allocationName, "a name for free's what:"),
    ]))
  package static let example = "leak: { rate: 50MiB/s, block: 1MiB, of: buffers, for: 10s }"

  let rate: UInt64
  let block: UInt64
  let of: AllocationKind
  /// How long to leak, in nanoseconds; nil leaks until the worker is killed.
  let duration: UInt64?
  let name: String?
  package var definedName: String? { name }

  package static func parse(_ input: StepInput) throws -> Leak {
    let f = try input.fields()
    let rate = try f.require("rate") { key -> UInt64? in
      guard let text = try f.string(key) else { return nil }
      let body = text.trimmingSpaces()
      guard body.hasSuffix("/s"), case .success(let bytes) = ByteSize.parse(String(body.dropLast(2))) else {
        throw f.error(key, f.node(key), "expected a rate like 50MiB/s, got \"\(text)\"")
      }
      guard bytes <= ScenarioBounds.maximumBytes else {
        throw f.error(key, f.node(key), "expected a rate of at most 1TiB/s (\(ScenarioBounds.maximumBytes) bytes), got \"\(text)\"")
      }
      return bytes
    }
    let of = try f.choice("of").flatMap(AllocationKind.init(rawValue:)) ?? .native
    let block = try f.bytes("block") ?? 1 << 20
    if of == .objects && block > ManagedHeap.maximumObjectSize {
      throw f.error("block", f.node("block"), "expected at most 1GiB for objects, got \(f.node("block")?.describe ?? "") (\(block) bytes)")
    }
    let step = Leak(
      rate: rate, block: block, of: of,
      duration: try f.duration("for"), name: try f.name("as"))
    f.finish()
    if step.duration == nil { input.context.unboundedLeaks.append((input.node.mark, input.path, of == .objects)) }
    return step
  }

  package func run(_ workload: Workload) throws {
    let start = Clock.now()
    var leaked: UInt64 = 0
    while true {
      let elapsed = Clock.now() - start
      if let duration, elapsed >= duration { break }
      // Pace against the start time, not the previous block, so the rate does not drift.
      // Saturating: at 1 B/s a few GiB leaked already lie more than 2^64 ns ahead.
      let offset = Double(leaked) / Double(rate) * 1e9
      let due = offset < Double(UInt64.max - start) ? start + UInt64(offset) : UInt64.max
      if let duration, due >= start + duration { Clock.sleep(until: start + duration); break }
      // A paced program waits between blocks, and V8 runs its pending tasks then.
      if of == .objects && due > Clock.now() { try workload.heap.idle() }
      Clock.sleep(until: due)
      if of == .objects {
        try workload.heap.allocate(size: block, name: name)
        workload.publishHeap()
      } else {
        let (address, touched) = try workload.mallocBlock(block, touch: 1)
        try workload.record(Allocation(kind: of, name: name, address: address, bytes: block, touched: touched, thread: nil))
      }
      leaked += block
    }
  }
}
