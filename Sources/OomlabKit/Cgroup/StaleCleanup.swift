/// What `StaleCgroups.clean` did.
public struct StaleCleanup: Equatable, Sendable {
  /// The directories removed.
  public var removed: [String] = []
  /// One message per stale directory that could not be removed.
  public var problems: [String] = []

  /// Creates an empty record.
  public init() {}
}
