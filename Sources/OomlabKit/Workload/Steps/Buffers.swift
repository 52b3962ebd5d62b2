/// Off-heap buffers like Node's `Buffer.alloc`: malloc'ed, outside any managed heap.
package struct Buffers: Step {
  package static let kind = "buffers"
  package static let summary = "count x size off-heap buffers (Buffer.alloc), touch none|all|FRACTION, one every DURATION"
  package static let form = StepForm.fields(
    FieldSet([
      FieldSpec("count", .integer(1...100_000_000), required: true, "how many buffers"),
      FieldSpec("size", .size(allowZero: false, allowPercent: true), required: true, "each buffer's size, or a share of the limit"),
      FieldSpec("touch", .touch, "how much of each buffer is written (default all: Buffer.alloc zero-fills)"),
      FieldSpec("every", .duration(allowZero: true), "the pause between two buffers"),
      FieldSpec("as", .allocationName, "a name for free's what:"),
    ]))
  package static let example = "buffers: { count: 20, size: 10MiB, touch: all, every: 20ms, as: images }"

  let count: Int
  let size: SizeSpec
  /// The share of each buffer written; Buffer.alloc zero-fills, so the default is all of it.
  let touch: Double
  let every: UInt64
  let name: String?
  package var definedName: String? { name }

  package static func parse(_ input: StepInput) throws -> Buffers {
    let f = try input.fields()
    let count = try f.require("count") { try f.int($0) }
    let size = try f.require("size") { try f.size($0) }
    // All of a step's buffers are held at once.
    try f.total("size", count: count, size: size)
    let step = Buffers(
      count: count,
      size: size,
      touch: try f.touch("touch") ?? 1,
      every: try f.duration("every") ?? 0,
      name: try f.name("as"))
    f.finish()
    return step
  }

  package func run(_ workload: Workload) throws {
    let bytes = try workload.bytes(size)
    for i in 0..<count {
      if i > 0 && every > 0 { Clock.sleep(nanoseconds: every) }
      let (block, touched) = try workload.mallocBlock(bytes, touch: touch)
      try workload.record(
        Allocation(kind: .buffers, name: name, address: block, bytes: bytes, touched: touched, thread: nil))
    }
  }
}
