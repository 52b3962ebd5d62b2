import Glibc

/// Starts a worker by re-executing this binary, so the worker gets its own allocator and limits.
enum WorkerLauncher {
  /// Spawns `executable` as a worker with the shared page and its sealed contract at the descriptors
  /// the worker expects, all signals unblocked and at their defaults, in its own process group so a
  /// terminal's Ctrl-C reaches only the supervisor.
  static func spawn(executable: String, environment: [String], page: SharedPage, contract: Int32) throws -> pid_t {
    var actions = posix_spawn_file_actions_t()
    posix_spawn_file_actions_init(&actions)
    defer { posix_spawn_file_actions_destroy(&actions) }
    posix_spawn_file_actions_adddup2(&actions, page.descriptor, SharedPage.workerDescriptor)
    posix_spawn_file_actions_adddup2(&actions, contract, WorkerContract.descriptor)

    var attributes = posix_spawnattr_t()
    posix_spawnattr_init(&attributes)
    defer { posix_spawnattr_destroy(&attributes) }
    var empty = sigset_t()
    sigemptyset(&empty)
    posix_spawnattr_setsigmask(&attributes, &empty)
    var defaults = sigset_t()
    sigemptyset(&defaults)
    for signal in SignalGate.interrupts + [SIGCHLD, SIGPIPE] { sigaddset(&defaults, signal) }
    posix_spawnattr_setsigdefault(&attributes, &defaults)
    posix_spawnattr_setpgroup(&attributes, 0)
    posix_spawnattr_setflags(
      &attributes, Int16(POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETSIGDEF | POSIX_SPAWN_SETPGROUP))

    let argv = ([executable, "__worker"] as [String]).map { strdup($0) } + [nil]
    let envp = environment.map { strdup($0) } + [nil]
    defer {
      argv.forEach { free($0) }
      envp.forEach { free($0) }
    }
    var pid: pid_t = 0
    let rc = posix_spawn(&pid, executable, &actions, &attributes, argv, envp)
    guard rc == 0 else { throw SystemError.call("posix_spawn \(executable)", rc) }
    return pid
  }

  /// The path of the running binary, resolved so the worker is the same file even if PATH changes.
  static func currentExecutable() -> String {
    var buffer = [CChar](repeating: 0, count: 4096)
    let n = readlink("/proc/self/exe", &buffer, buffer.count - 1)
    guard n > 0 else { return "/proc/self/exe" }
    return String(decoding: buffer[0..<n].map { UInt8(bitPattern: $0) }, as: UTF8.self)
  }
}
