import COomlabShim
import Glibc

/// Threads that each reserve a stack and really use part of it.
package struct Threads: Step {
  package static let kind = "threads"
  package static let summary = "count threads with a stack of SIZE (reserved), each touching SIZE of it (resident)"
  package static let form = StepForm.fields(
    FieldSet([
      FieldSpec("count", .integer(1...30_000), required: true, "how many threads"),
      FieldSpec("stack", .size(allowZero: false, allowPercent: false), "each thread's stack, reserved (default 8MiB, at least 64KiB)"),
      FieldSpec("touch", .size(allowZero: true, allowPercent: false), "how much of its stack each thread writes (at most the stack less 32KiB)"),
      FieldSpec("as", .allocationName, "a name for free's what:"),
    ]))
  package static let example = "threads: { count: 100, stack: 8MiB, touch: 64KiB }"

  let count: Int
  let stack: UInt64
  let touch: UInt64
  let name: String?
  package var definedName: String? { name }

  package static func parse(_ input: StepInput) throws -> Threads {
    let f = try input.fields()
    let count = try f.require("count") { try f.int($0) }
    let stack = try f.bytes("stack") ?? 8 << 20
    guard stack >= 64 << 10 else {
      throw f.error("stack", f.node("stack"), "expected a stack of at least 64KiB, got \(f.node("stack")?.describe ?? "") (\(stack) bytes)")
    }
    if let problem = ScenarioBounds.totalProblem(count: count, each: stack) {
      throw f.error(f.node("stack") == nil ? "count" : "stack", f.node("stack") ?? f.node("count"), problem)
    }
    let touch = try f.bytes("touch") ?? 0
    // The thread's own frames and the C library's guard need room beside the touched part.
    guard touch + (32 << 10) <= stack else {
      throw f.error("touch", f.node("touch"), "expected at most the stack minus 32KiB (\(stack - (32 << 10)) bytes), got \(f.node("touch")?.describe ?? "") (\(touch) bytes)")
    }
    let step = Threads(count: count, stack: stack, touch: touch, name: try f.name("as"))
    f.finish()
    return step
  }

  package func run(_ workload: Workload) throws {
    for _ in 0..<count {
      guard let thread = oomlab_stack_thread_start(Int(stack), Int(touch)) else {
        let code = errno
        let what = "pthread_create with a \(stack)-byte stack failed: \(ErrnoName.explain(code))"
        throw code == EAGAIN || code == ENOMEM ? WorkloadError.allocationFailed(what) : WorkloadError.failed(what)
      }
      try workload.record(
        Allocation(kind: .threads, name: name, address: nil, bytes: stack, touched: touch, thread: thread))
    }
  }
}
