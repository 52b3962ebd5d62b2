/// A size written as a share of the memory limit, kept so it can be checked once the limit is known.
public struct PercentField: Equatable, Sendable {
  /// The dotted path of the field, such as `steps[0].buffers.size`.
  public let field: String
  /// The 1-based line of the value.
  public let line: Int
  /// The 1-based column of the value.
  public let column: Int
  /// The share, 0 < percent <= 100.
  public let percent: Double
  /// The value as written, like `75%`, for quoting in errors.
  public let written: String
  /// How many of these the step holds at once (a `buffers` count), 1 for a single size.
  public var count: Int = 1

  /// The size in bytes under `limit`.
  public func bytes(limit: UInt64) -> UInt64 { SizeSpec.percentOfLimit(percent).resolve(limit: limit) ?? 0 }
}
