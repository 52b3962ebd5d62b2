import Glibc

/// Finds and removes the cgroups oomlab runs left behind, without ever killing anything.
///
/// A cgroup is abandoned only when it is named `oomlab-<pid>-<n>`, no run holds its flock (`CgroupLock`)
/// and no process is in it. The pid in the name is not consulted: a supervisor in another pid namespace
/// (a container, `unshare -p`) has a pid that means nothing here, and a dead supervisor's pid may be
/// reused, so neither "no such pid" nor "pid alive" proves anything; the lock does. An empty cgroup is
/// all a dead supervisor leaves, since its workers die with it (PR_SET_PDEATHSIG); anything still inside
/// is not provably ours to kill, so the cgroup is left and reported.
package enum StaleCgroups {
  /// What `StaleCgroups.clean` did.
  package struct Cleanup: Equatable, Sendable {
    /// The abandoned cgroups removed.
    package var removed: [String] = []
    /// One message per oomlab cgroup that no run holds but that could not be removed: processes still in
    /// it, a failed rmdir, or a lock that could not be tried.
    package var problems: [String] = []

    /// Creates an empty record.
    package init() {}
  }

  /// Removes the abandoned oomlab cgroups directly under `parent` and reports what it left.
  package static func clean(parent: String) -> Cleanup {
    clean(parent: parent, removeDirectory: { rmdir($0) == 0 ? 0 : errno })
  }

  /// `removeDirectory` is rmdir(2) returning 0 or the errno; tests pass one that removes a fake tree,
  /// whose control files are ordinary files that would make a real rmdir fail.
  static func clean(parent: String, removeDirectory: (String) -> Int32) -> Cleanup {
    var cleanup = Cleanup()
    for name in CgroupDirectory.subdirectories(of: parent) where CgroupName.parse(name) != nil {
      let path = parent + "/" + name
      switch CgroupLock.attempt(path) {
      case .held, .gone:
        // Held: a live run owns it, in whatever pid namespace. Gone: someone removed it meanwhile.
        continue
      case .failed(let code):
        cleanup.problems.append("cannot lock the cgroup \(path) to check whether it is in use: \(ErrnoName.explain(code))")
      case .locked(let lock):
        // The lock is released only after rmdir, so a run creating this name meanwhile cannot lock and
        // use the directory about to go (CgroupDirectory.makeChild then takes the next name).
        defer { lock.release() }
        if let problem = removeIfEmpty(path, removeDirectory: removeDirectory) {
          cleanup.problems.append(problem)
        } else {
          cleanup.removed.append(path)
        }
      }
    }
    return cleanup
  }

  /// Removes the locked, unowned cgroup `path` if no process is in it; returns why not otherwise.
  private static func removeIfEmpty(_ path: String, removeDirectory: (String) -> Int32) -> String? {
    let procs: String
    do {
      procs = try FileIO.read(path + "/cgroup.procs")
    } catch {
      return "left the cgroup \(path) in place: \(error)"
    }
    let pids = CgroupValue.pids(procs)
    if !pids.isEmpty {
      let listed = pids.prefix(5).map(String.init).joined(separator: " ") + (pids.count > 5 ? " …" : "")
      return "left the cgroup \(path) in place: no run holds its lock, but \(pids.count) process"
        + (pids.count == 1 ? "" : "es") + " (\(listed)) still in it; oomlab kills nothing it cannot prove its own"
    }
    // rmdir cannot harm a process: the kernel refuses (EBUSY) while a task or a child cgroup is inside.
    let code = removeDirectory(path)
    if code == 0 || code == ENOENT { return nil }
    return CgroupError.cannotRemove(path: path, errno: code, attempts: 1).description
  }
}
