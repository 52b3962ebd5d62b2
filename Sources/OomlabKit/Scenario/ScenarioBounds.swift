/// The ranges every size, count and name in a scenario is checked against, in one place.
///
/// They are checked when the scenario is validated, so nothing a scenario can say reaches the
/// worker's arithmetic out of range: no overflow trap, no mapping the kernel could never give.
package enum ScenarioBounds {
  /// The most bytes one size, or one step in all, may ask for: 1 TiB (2^40).
  ///
  /// Far beyond the memory of any machine oomlab runs on, and small enough that page counts,
  /// offsets, mapping slack and the CSV's signed 64-bit sums of such figures cannot overflow.
  package static let maximumBytes: UInt64 = 1 << 40

  /// The smallest managed heap limit: 1 MiB.
  ///
  /// Node's --max-old-space-size counts MiB, oomlab's a bare number as bytes, so a limit below
  /// this is almost always `heap-limit: 100` meant as 100 MiB.
  package static let minimumHeapLimit: UInt64 = 1 << 20

  /// The longest scenario or process name in UTF-8 bytes.
  ///
  /// A name becomes part of file names: `run` appends `-YYYYMMDD-HHMMSS.csv` and `matrix` the
  /// allocator and limit, and all of it must fit in NAME_MAX (255 bytes).
  package static let maximumNameBytes = 128

  /// The longest duration a step may wait for (`hold`, `every`, `for`): 24 hours.
  ///
  /// Longer waits are better written as `repeat: { until: killed }`; the bound keeps deadlines
  /// computed from the monotonic clock far from overflowing.
  package static let maximumStepDuration: UInt64 = 24 * 3600 * 1_000_000_000

  /// What a size above `maximumBytes` is told, before the value it quotes.
  package static let sizeExpectation = "expected at most 1TiB (\(maximumBytes) bytes)"

  /// The problem with `count` allocations of `each` bytes held at once, or nil when they fit in `maximumBytes`.
  package static func totalProblem(count: Int, each: UInt64) -> String? {
    let (total, overflow) = UInt64(count).multipliedReportingOverflow(by: each)
    guard overflow || total > maximumBytes else { return nil }
    let shown = overflow ? "more than \(UInt64.max)" : "\(total)"
    return "\(count) x \(each) bytes is \(shown) bytes in one step; expected at most 1TiB (\(maximumBytes) bytes)"
  }

  /// The problem with a managed heap limit in bytes, or nil when it is in range.
  package static func heapLimitProblem(_ bytes: UInt64) -> String? {
    if bytes < minimumHeapLimit {
      return "a heap limit of \(bytes) bytes is below 1MiB; write a unit, like 192MiB (a bare number is bytes, not MiB as in --max-old-space-size)"
    }
    return bytes <= maximumBytes ? nil : "a heap limit of \(bytes) bytes is above 1TiB; \(sizeExpectation)"
  }

  /// What a duration above `maximumStepDuration` is told, before the value it quotes.
  package static let durationExpectation = "expected a duration of at most 24 hours (24h)"
}
