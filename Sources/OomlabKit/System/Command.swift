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
    var setup = Spawn.Setup()
    setup.descriptors = [(ends[1], STDOUT_FILENO), (null >= 0 ? null : ends[1], STDERR_FILENO)]
    let pid: pid_t
    var environment: [String] = []
    var entry = environ
    while let variable = entry.pointee {
      environment.append(String(cString: variable))
      entry += 1
    }
    switch try Spawn.start(path, arguments: [path] + arguments, environment: environment, setup: setup) {
    case .success(let started): pid = started
    case .failure(let failure): throw SystemError.call("starting \(path)", failure.errno)
    }
    close(ends[1])
    ends[1] = -1
    let bytes = try FileIO.readAll(ends[0], label: path)
    var status: Int32 = 0
    _ = SystemCall.retrying { waitpid(pid, &status, 0) }
    return String(decoding: bytes, as: UTF8.self)
  }
}
