import COomlabShim
import Glibc

/// Runs a short helper command and captures its output.
enum Command {
  /// Runs `path` with `arguments` and returns its standard output.
  ///
  /// Spawned and reaped here with waitpid rather than through Foundation's Process, which learns of
  /// its child's end through SIGCHLD: a supervisor keeps SIGCHLD blocked in every thread.
  static func output(_ path: String, _ arguments: [String]) throws -> String {
    var ends: [Int32] = [-1, -1]
    guard oomlab_pipe(&ends, O_CLOEXEC) == 0 else { throw SystemError.call("pipe2", errno) }
    let null = open("/dev/null", O_WRONLY | O_CLOEXEC)
    defer {
      if ends[0] >= 0 { close(ends[0]) }
      if ends[1] >= 0 { close(ends[1]) }
      if null >= 0 { close(null) }
    }
    let argv = ([path] + arguments).map { strdup($0) } + [nil]
    defer { argv.forEach { free($0) } }
    let from = [ends[1], null >= 0 ? null : ends[1]]
    let to: [Int32] = [STDOUT_FILENO, STDERR_FILENO]
    let pid = from.withUnsafeBufferPointer { from in
      to.withUnsafeBufferPointer { to in
        var options = oomlab_spawn_options()
        options.from = from.baseAddress
        options.to = to.baseAddress
        options.count = 2
        options.cgroup_procs_fd = -1
        return oomlab_spawn(path, argv, environ, &options)
      }
    }
    guard pid > 0 else { throw SystemError.call("starting \(path)", errno) }
    close(ends[1])
    ends[1] = -1
    let bytes = try FileIO.readAll(ends[0], label: path)
    var status: Int32 = 0
    _ = SystemCall.retrying { waitpid(pid, &status, 0) }
    return String(decoding: bytes, as: UTF8.self)
  }
}
