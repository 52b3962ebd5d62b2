/// What `StaleCgroups.clean` did.
public struct StaleCleanup: Equatable, Sendable {
  /// The abandoned cgroups removed.
  public var removed: [String] = []
  /// One message per oomlab cgroup that no run holds but that could not be removed: processes still in
  /// it, a failed rmdir, or a lock that could not be tried.
  public var problems: [String] = []

  /// Creates an empty record.
  public init() {}
}
