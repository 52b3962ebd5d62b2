/// A size written as a share of the memory limit, kept so it can be checked once the limit is known.
package struct PercentField: Equatable, Sendable {
  /// The dotted path of the field, such as `steps[0].buffers.size`.
  package let field: String
  /// The 1-based line of the value.
  package let line: Int
  /// The 1-based column of the value.
  package let column: Int
  /// The share, 0 < percent <= 100.
  package let percent: Double
  /// The value as written, like `75%`, for quoting in errors.
  package let written: String
  /// How many of these the step holds at once (a `buffers` count), 1 for a single size.
  package var count: Int = 1

  /// The size in bytes under `limit`.
  package func bytes(limit: UInt64) -> UInt64 { SizeSpec.percentOfLimit(percent).resolve(limit: limit) ?? 0 }
}
