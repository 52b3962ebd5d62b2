import Glibc

/// Finds and removes cgroups left behind by oomlab supervisors that died without cleaning up.
public enum StaleCgroups {
  /// Whether the directory `name` is an oomlab cgroup whose supervisor is no longer alive.
  ///
  /// Anything not named exactly `oomlab-<pid>-<n>` is never stale: it is not ours to remove.
  public static func isStale(name: String, isAlive: (Int32) -> Bool) -> Bool {
    guard let owner = CgroupName.parse(name) else { return false }
    return !isAlive(owner.supervisorPid)
  }

  /// Whether a process `pid` exists: kill(pid, 0) fails with ESRCH only when it does not (EPERM means
  /// it exists but belongs to someone else).
  public static func isAlive(_ pid: Int32) -> Bool {
    kill(pid, 0) == 0 || errno != ESRCH
  }

  /// Removes the stale oomlab cgroups directly under `parent`, killing anything still inside them.
  public static func clean(parent: String) -> StaleCleanup {
    clean(parent: parent, remover: .live, isAlive: isAlive)
  }

  static func clean(parent: String, remover: CgroupRemover, isAlive: (Int32) -> Bool) -> StaleCleanup {
    var cleanup = StaleCleanup()
    for name in CgroupDirectory.subdirectories(of: parent) where isStale(name: name, isAlive: isAlive) {
      let path = parent + "/" + name
      do {
        try remover.remove(path)
        cleanup.removed.append(path)
      } catch {
        cleanup.problems.append("\(error)")
      }
    }
    return cleanup
  }
}
