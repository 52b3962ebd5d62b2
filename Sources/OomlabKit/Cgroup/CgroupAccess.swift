/// Whether this process may create a memory cgroup, and if not, which right is missing.
public enum CgroupAccess: Equatable, Sendable {
  /// A child cgroup can be created, limited and populated.
  case ok
  /// It cannot; the reason names the path and the missing right.
  case denied(reason: String)
}
