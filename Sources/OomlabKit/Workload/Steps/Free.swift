/// Releases a share of what earlier steps allocated, chosen by name or kind and a pattern.
///
/// Heap objects are not freed but made garbage, as dropping the last reference does: only a
/// collection frees them.
package struct Free: Step {
  package static let kind = "free"
  package static let summary = "release what: NAME|native|buffers|pages|threads|objects|all, fraction, pattern random|every-other|oldest|newest, seed (objects become garbage)"
  package static let form = StepForm.fields(
    FieldSet([
      FieldSpec("what", .text, required: true, "a name given with as:, a kind (native, buffers, pages, threads, objects) or all"),
      FieldSpec("fraction", .fraction, "the share released (default all)"),
      FieldSpec("pattern", .choice(FreePattern.allCases.map(\.rawValue)), "which ones: random, every-other, oldest or newest (default random)"),
      FieldSpec("seed", .integer(0...Int.max), "the seed of the random pattern"),
    ]))
  package static let example = "free: { what: all, fraction: 0.5, pattern: random, seed: 1 }"

  /// What a `free` releases.
  enum Target: Equatable {
    case name(String)
    case kind(AllocationKind)
    case all
  }

  let target: Target
  let fraction: Double
  let pattern: FreePattern
  let seed: UInt64

  package static func parse(_ input: StepInput) throws -> Free {
    let f = try input.fields()
    let what = try f.require("what") { try f.string($0) }
    let target: Target
    if what == "all" {
      target = .all
    } else if let kind = AllocationKind(rawValue: what) {
      target = .kind(kind)
    } else {
      guard input.context.definedNames.contains(what) else {
        let known = input.context.definedNames.sorted()
        throw f.error(
          "what", f.node("what"),
          "\"\(what)\" names no earlier allocation; expected all, native, buffers, pages, threads, objects"
            + (known.isEmpty ? "" : " or one of the names given with as: \(known.joined(separator: ", "))"))
      }
      target = .name(what)
    }
    let pattern = try f.choice("pattern").flatMap(FreePattern.init) ?? .random
    let step = Free(
      target: target, fraction: try f.fraction("fraction") ?? 1, pattern: pattern,
      seed: UInt64(try f.int("seed") ?? 42))
    f.finish()
    return step
  }

  package func run(_ workload: Workload) throws {
    _ = workload.release(
      where: { allocation in
        switch target {
        case .all: return true
        case .kind(let kind): return allocation.kind == kind
        case .name(let name): return allocation.name == name
        }
      }, fraction: fraction, pattern: pattern, seed: seed)
    // Objects are chosen among themselves: a fraction of `all` is that fraction of the objects too.
    switch target {
    case .all, .kind(.objects): workload.heap.makeGarbage(fraction: fraction, pattern: pattern, seed: seed)
    case .name(let name): workload.heap.makeGarbage(named: name, fraction: fraction, pattern: pattern, seed: seed)
    case .kind: return
    }
    workload.publishHeap()
  }
}
