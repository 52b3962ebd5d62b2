import Glibc

/// A step starting or ending, posted by the worker on the shared page and sampled by the supervisor while the
/// worker waits.
///
/// A tick falls anywhere in a step, and misses a step shorter than the interval; a row taken while the worker
/// stands still at the boundary shows its memory exactly as the step found or left it.
struct StepBoundary: Equatable, Sendable {
  /// `stepStart` or `stepEnd`.
  let kind: RowKind
  /// The pre-order index of the step.
  let stepIndex: Int
  /// The boundary's number among the worker's, from 1.
  let number: UInt64

  /// How long a worker waits for its row before going on without one: a stopped or swamped supervisor slows
  /// the run down, it never hangs it (a dead one kills the worker through the parent-death signal).
  static let timeout: UInt64 = 2_000_000_000

  /// The boundary as one word of the shared page, so the supervisor never reads half of one: the number in the
  /// high 32 bits, bit 31 set for an end, the step index plus one below it.
  var word: UInt64 {
    number << 32 | (kind == .stepEnd ? 1 << 31 : 0) | UInt64(stepIndex + 1) & 0x7FFF_FFFF
  }

  init(kind: RowKind, stepIndex: Int, number: UInt64) {
    self.kind = kind
    self.stepIndex = stepIndex
    self.number = number & 0xFFFF_FFFF
  }

  init?(word: UInt64) {
    let stepPlusOne = Int(word & 0x7FFF_FFFF)
    guard word >> 32 != 0, stepPlusOne > 0 else { return nil }
    self.init(kind: word & 1 << 31 != 0 ? .stepEnd : .stepStart, stepIndex: stepPlusOne - 1, number: word >> 32)
  }

  /// Posts a boundary, wakes the supervisor and waits until it has sampled the worker, its parent is gone, or
  /// `timeout` has passed; returns whether the row was taken.
  @discardableResult
  static func post(_ kind: RowKind, stepIndex: Int, on page: SharedPage, supervisor: pid_t) -> Bool {
    let previous = StepBoundary(word: page.load(.boundary))?.number ?? 0
    let boundary = StepBoundary(kind: kind, stepIndex: stepIndex, number: previous == 0xFFFF_FFFF ? 1 : previous + 1)
    page.store(.boundary, boundary.word)
    // SIGCHLD is what the supervisor already waits for when a worker changes, as at the worker's end.
    kill(supervisor, SIGCHLD)
    let deadline = Clock.after(timeout)
    while page.load(.boundarySampled) != boundary.number {
      guard getppid() == supervisor, Clock.now() < deadline else { return false }
      Clock.sleep(nanoseconds: 100_000)
    }
    return true
  }

  /// The boundary a worker waits at and the supervisor has not sampled yet, if any.
  static func pending(on page: SharedPage) -> StepBoundary? {
    guard let boundary = StepBoundary(word: page.load(.boundary)), boundary.number != page.load(.boundarySampled)
    else { return nil }
    return boundary
  }

  /// Lets the worker waiting at this boundary go on.
  func release(on page: SharedPage) {
    page.store(.boundarySampled, number)
  }
}
