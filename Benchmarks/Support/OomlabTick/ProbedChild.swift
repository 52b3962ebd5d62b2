import Glibc

/// A live process for the probe to read: `/bin/cat` waiting on a pipe only this process writes to.
///
/// cat exits when the pipe's write end closes, so it dies with the benchmark even if the benchmark
/// crashes before `stop()`: no stray process outlives the run.
package final class ProbedChild {
  /// The child's PID.
  package let pid: pid_t
  private var writeEnd: Int32

  /// Starts `/bin/cat` with its standard input on a new pipe and its output on /dev/null.
  package init() throws {
    var ends: [Int32] = [-1, -1]
    guard pipe(&ends) == 0 else { throw ProbedChildError.failed("pipe", errno) }
    // Neither end may leak into another child: cat gets the read end only through dup2 below.
    _ = fcntl(ends[0], F_SETFD, FD_CLOEXEC)
    _ = fcntl(ends[1], F_SETFD, FD_CLOEXEC)
    var actions = posix_spawn_file_actions_t()
    posix_spawn_file_actions_init(&actions)
    defer { posix_spawn_file_actions_destroy(&actions) }
    posix_spawn_file_actions_adddup2(&actions, ends[0], STDIN_FILENO)
    posix_spawn_file_actions_addopen(&actions, STDOUT_FILENO, "/dev/null", O_WRONLY, 0)
    let argv: [UnsafeMutablePointer<CChar>?] = [strdup("cat"), nil]
    defer { argv.forEach { free($0) } }
    var child: pid_t = 0
    let spawned = posix_spawn(&child, "/bin/cat", &actions, nil, argv, environ)
    close(ends[0])
    guard spawned == 0 else {
      close(ends[1])
      throw ProbedChildError.failed("posix_spawn /bin/cat", spawned)
    }
    pid = child
    writeEnd = ends[1]
  }

  /// Closes the pipe so cat exits, and reaps it.
  package func stop() {
    guard writeEnd >= 0 else { return }
    close(writeEnd)
    writeEnd = -1
    var status: Int32 = 0
    while waitpid(pid, &status, 0) < 0 && errno == EINTR {}
  }

  deinit { stop() }
}
