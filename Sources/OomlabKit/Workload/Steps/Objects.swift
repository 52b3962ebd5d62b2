/// Objects in the managed heap, optionally unreachable at once or pinning a native payload.
package struct Objects: Step {
  package static let kind = "objects"
  package static let summary = "count managed-heap objects of size, garbage: true (unreachable), native: SIZE payload, external: true (reported), or buffer: SIZE (an ArrayBuffer), every"
  package static let form = StepForm.fields(
    FieldSet(
      [
        FieldSpec("count", .integer(1...100_000_000), required: true, "how many objects"),
        FieldSpec("size", .size(allowZero: false, allowPercent: false), required: true, "each object's size in the heap (at most 1GiB)"),
        FieldSpec("garbage", .boolean, "unreachable at once: heap_used counts them until a collection"),
        FieldSpec("native", .size(allowZero: false, allowPercent: false), "a malloc'ed payload per object, freed only by its collection (at most 1GiB)"),
        FieldSpec("external", .boolean, "report the payload to the heap as external memory"),
        FieldSpec("buffer", .size(allowZero: false, allowPercent: false), "an ArrayBuffer's backing store per object, freed when a scavenge or collection finds it dead (at most 1GiB)"),
        FieldSpec("every", .duration(allowZero: true), "the pause between two objects"),
        FieldSpec("as", .allocationName, "a name for free's what:"),
      ], needs: [(whenTrue: "external", key: "native")]))
  package static let example = "objects: { count: 1000, size: 1KiB, garbage: true, native: 2MiB, external: true }"

  let count: Int
  let size: UInt64
  /// Unreachable as soon as allocated: heap_used counts it until a collection frees it.
  let garbage: Bool
  /// The bytes of each object's malloc'ed payload (`native:` or `buffer:`), 0 for none.
  let native: UInt64
  /// How the heap knows the payload: unreported, reported (`external: true`) or an ArrayBuffer (`buffer:`).
  let kind: PayloadKind
  let every: UInt64
  let name: String?
  package var definedName: String? { name }

  package static func parse(_ input: StepInput) throws -> Objects {
    let f = try input.fields()
    func bounded(_ key: String, _ bytes: UInt64?) throws -> UInt64? {
      guard let bytes, bytes > ManagedHeap.maximumObjectSize else { return bytes }
      throw f.error(key, f.node(key), "expected at most 1GiB, got \(f.node(key)?.describe ?? "") (\(bytes) bytes)")
    }
    let native = try bounded("native", try f.bytes("native")) ?? 0
    let buffer = try bounded("buffer", try f.bytes("buffer")) ?? 0
    let external = try f.bool("external") ?? false
    if external && native == 0 {
      throw f.error("external", f.node("external"), "external: true reports the native payload; expected native: SIZE beside it")
    }
    if buffer > 0 && native > 0 {
      throw f.error("buffer", f.node("buffer"), "an object holds either native: or buffer:, not both")
    }
    let step = Objects(
      count: try f.require("count") { try f.int($0) },
      size: try f.require("size") { try bounded($0, try f.bytes($0)) },
      garbage: try f.bool("garbage") ?? false,
      native: max(native, buffer),
      kind: buffer > 0 ? .arrayBuffer : external ? .reported : .unreported,
      every: try f.duration("every") ?? 0,
      name: try f.name("as"))
    f.finish()
    return step
  }

  package func run(_ workload: Workload) throws {
    for i in 0..<count {
      if i > 0 && every > 0 {
        // The program waits between objects, and V8 runs its pending tasks then.
        try workload.heap.idle()
        Clock.sleep(nanoseconds: every)
      }
      try workload.heap.allocate(size: size, garbage: garbage, payload: native, kind: kind, name: name)
      workload.publishHeap()
    }
  }
}
