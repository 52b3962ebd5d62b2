/// The one rule for sampling intervals, shared by a scenario's `sample:` and `--interval`.
package enum SampleInterval {
  /// The shortest interval: 1 ms; /proc reads take tens of microseconds per process.
  package static let minimum: UInt64 = 1_000_000
  /// The longest interval: 1 hour; keeps every deadline computed from it far from overflowing.
  package static let maximum: UInt64 = 3_600_000_000_000
  /// The interval when neither the scenario nor the command line gives one: 100 ms.
  package static let standard: UInt64 = 100_000_000

  /// The accepted intervals, phrased for error messages.
  package static let range = "a duration from 1ms to 1h, like 10ms, 1s, 5m or 1h"

  /// Parses an interval into nanoseconds; nil when it is malformed or outside `minimum...maximum`.
  package static func parse(_ text: String) -> UInt64? {
    guard let nanoseconds = DurationValue.parseNanoseconds(text), contains(nanoseconds) else { return nil }
    return nanoseconds
  }

  /// Whether an interval in nanoseconds is within `minimum...maximum`.
  package static func contains(_ nanoseconds: UInt64) -> Bool { (minimum...maximum).contains(nanoseconds) }
}
