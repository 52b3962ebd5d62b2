/// A steady leak: blocks allocated, written and never freed, at a fixed rate.
public struct Leak: Step {
  public static let kind = "leak"
  public static let summary = "a steady leak at rate: SIZE/s in blocks of SIZE, of native|buffers, for DURATION or until killed"

  let rate: UInt64
  let block: UInt64
  let of: AllocationKind
  /// How long to leak, in nanoseconds; nil leaks until the worker is killed.
  let duration: UInt64?
  let name: String?
  public var definedName: String? { name }

  public static func parse(_ input: StepInput) throws -> Leak {
    let f = try input.fields()
    let rate = try f.require("rate") { key -> UInt64? in
      guard let text = try f.string(key) else { return nil }
      let body = text.trimmingSpaces()
      guard body.hasSuffix("/s"), case .success(let bytes) = ByteSize.parse(String(body.dropLast(2))) else {
        throw f.error(key, f.node(key), "expected a rate like 50MiB/s, got \"\(text)\"")
      }
      return bytes
    }
    let of = try f.choice("of", ["native", "buffers"]).flatMap(AllocationKind.init(rawValue:)) ?? .native
    let step = Leak(
      rate: rate, block: try f.bytes("block") ?? 1 << 20, of: of,
      duration: try f.duration("for", allowZero: false), name: try f.name("as"))
    try f.finish()
    return step
  }

  public func run(_ workload: Workload) throws {
    let start = Clock.now()
    var leaked: UInt64 = 0
    while true {
      let elapsed = Clock.now() - start
      if let duration, elapsed >= duration { break }
      // Pace against the start time, not the previous block, so the rate does not drift.
      let due = start + UInt64(Double(leaked) / Double(rate) * 1e9)
      if let duration, due >= start + duration { Clock.sleep(until: start + duration); break }
      Clock.sleep(until: due)
      let (address, touched) = try workload.mallocBlock(block, touch: 1)
      workload.record(Allocation(kind: of, name: name, address: address, bytes: block, touched: touched, thread: nil))
      leaked += block
    }
  }
}
