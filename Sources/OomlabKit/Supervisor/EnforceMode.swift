/// How a memory limit is enforced: by the kernel through a cgroup, or simulated by the supervisor.
package enum EnforceMode: String, CaseIterable, Sendable {
  /// A child cgroup, else the container's own limit (reported as such); otherwise refuse.
  case auto
  /// A child cgroup or nothing: fail with status 3 naming the missing right.
  case cgroup
  /// No cgroup, even where one could be made: the supervisor SIGKILLs the worker when its RSS reaches the limit.
  case simulated
}
