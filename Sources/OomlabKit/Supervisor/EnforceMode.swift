/// How a memory limit is enforced when the supervisor cannot create a cgroup.
public enum EnforceMode: String, CaseIterable, Sendable {
  /// A child cgroup, else the container's own limit (reported as such); otherwise refuse.
  case auto
  /// A child cgroup or nothing: fail with status 3 naming the missing right.
  case cgroup
  /// A cgroup when possible, else the supervisor SIGKILLs the worker when its RSS reaches the limit.
  case simulated
}
