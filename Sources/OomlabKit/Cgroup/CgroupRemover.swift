import COomlabShim
import Glibc

/// Kills what is left in a cgroup and removes its directory, retrying while the kernel says EBUSY.
///
/// Only for a run's own cgroup at teardown: stale cleanup (`StaleCgroups`) never kills, because it
/// cannot prove that what is inside another run's cgroup is its to kill.
///
/// The system calls are closures so tests can run removal against a fake tree of ordinary files,
/// where rmdir would fail (the control files are real files there) and the pids are not to be killed.
struct CgroupRemover: Sendable {
  /// Sends a signal to a pid listed in the cgroup directory, only if it is still listed there; returns 0 or -1.
  var signal: @Sendable (_ pid: Int32, _ signal: Int32, _ directory: String) -> Int32
  /// Removes a directory; returns 0 or the errno.
  var removeDirectory: @Sendable (String) -> Int32
  /// Sleeps for the given nanoseconds.
  var pause: @Sendable (UInt64) -> Void
  /// How long to wait for killed processes to leave cgroup.procs before trying rmdir anyway.
  var settleTimeout: UInt64 = 1_000_000_000
  /// How many times rmdir is tried.
  var attempts = 5

  /// The real system calls.
  static let live = CgroupRemover(
    signal: { pid, signal, directory in
      // A pid read from cgroup.procs may have been reused since by a process that is not ours: pinned by a
      // pidfd first, it is checked to be listed still, and the signal goes to the pinned process only.
      let pidfd = oomlab_pidfd_open(pid)
      guard pidfd >= 0 else { return -1 }
      defer { close(pidfd) }
      guard CgroupDirectory.processes(in: directory).contains(pid) else { return -1 }
      return oomlab_pidfd_send_signal(pidfd, signal)
    },
    removeDirectory: { rmdir($0) == 0 ? 0 : errno },
    pause: { Clock.sleep(nanoseconds: $0) })

  /// Removes `directory` and any cgroups below it; a directory that does not exist counts as removed.
  func remove(_ directory: String) throws {
    guard FileIO.exists(directory) else { return }
    // A cgroup with children cannot be removed, so the deepest go first.
    for child in CgroupDirectory.subdirectories(of: directory) {
      try remove(directory + "/" + child)
    }
    // This process in it, the cgroup cannot become empty: no wait or retry would help.
    if CgroupDirectory.processes(in: directory).contains(getpid()) { throw CgroupError.holdsThisProcess(path: directory) }
    var lastError: Int32 = 0
    var tries = 0
    while tries < attempts {
      tries += 1
      killAll(directory)
      waitUntilEmpty(directory)
      let code = removeDirectory(directory)
      if code == 0 || code == ENOENT { return }
      lastError = code
      // EBUSY: a task is still exiting or the kernel still holds the cgroup; anything else will not pass.
      guard code == EBUSY else { break }
      pause(UInt64(tries) * 50_000_000)
    }
    throw CgroupError.cannotRemove(path: directory, errno: lastError, attempts: tries)
  }

  /// Kills every process in the cgroup: through cgroup.kill where it exists, else by SIGKILL to each pid
  /// listed, pinned by a pidfd (see `signal`), never to this process (which must not be in it, but a
  /// supervisor that kills itself would leave the cgroup behind).
  func killAll(_ directory: String) {
    let killFile = directory + "/cgroup.kill"
    // v2 since Linux 5.14: one write kills the whole subtree, including processes forked meanwhile, and no pid is used.
    if FileIO.exists(killFile), (try? FileIO.write(killFile, "1\n")) != nil { return }
    let me = getpid()
    for pid in CgroupDirectory.processes(in: directory) where pid > 0 && pid != me {
      _ = signal(pid, SIGKILL, directory)
    }
  }

  /// Polls cgroup.procs until it is empty or `settleTimeout` has passed.
  func waitUntilEmpty(_ directory: String) {
    let deadline = Clock.now() &+ settleTimeout
    while !CgroupDirectory.processes(in: directory).isEmpty && Clock.now() < deadline {
      pause(10_000_000)
    }
  }
}
