/// What a CSV row records: a periodic tick, or an event the worker stopped for so it is measured as it happened.
package enum RowKind: String, CaseIterable, Sendable {
  /// The baseline, sampled once the worker is set up and before its first step.
  case start
  /// A sample taken at the sampling interval.
  case tick
  /// A step is about to run: the worker waits at the boundary until it has been sampled.
  case stepStart = "step_start"
  /// A step has just returned: the worker waits at the boundary until it has been sampled.
  case stepEnd = "step_end"
  /// The worker has run every step and waits for this last sample before it exits.
  case end
}
