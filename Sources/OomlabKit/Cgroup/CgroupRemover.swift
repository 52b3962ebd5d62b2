import Glibc

/// Kills what is left in a cgroup and removes its directory, retrying while the kernel says EBUSY.
///
/// Only for a run's own cgroup at teardown: stale cleanup (`StaleCgroups`) never kills, because it
/// cannot prove that what is inside another run's cgroup is its to kill.
///
/// The system calls are closures so tests can run removal against a fake tree of ordinary files,
/// where rmdir would fail (the control files are real files there) and the pids are not to be killed.
struct CgroupRemover: Sendable {
  /// Sends a signal like kill(2); returns 0 or -1.
  var signal: @Sendable (Int32, Int32) -> Int32
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
    signal: { kill($0, $1) },
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

  /// Sends SIGKILL to every process listed, never to this process (which must not be in it, but a
  /// supervisor that kills itself would leave the cgroup behind).
  func killAll(_ directory: String) {
    let killFile = directory + "/cgroup.kill"
    if FileIO.exists(killFile) {
      // v2 since Linux 5.14: one write kills the whole subtree, including processes forked meanwhile.
      try? FileIO.write(killFile, "1\n")
    }
    let me = getpid()
    for pid in CgroupDirectory.processes(in: directory) where pid > 0 && pid != me {
      _ = signal(pid, SIGKILL)
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
