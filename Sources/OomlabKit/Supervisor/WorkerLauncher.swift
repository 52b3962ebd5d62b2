import Glibc

/// Starts a worker by re-executing this binary, so the worker gets its own allocator and limits.
enum WorkerLauncher {
  /// Spawns `executable` as a worker with the shared page and its sealed contract at the descriptors
  /// the worker expects, all signals unblocked and at their defaults, in its own process group so a
  /// terminal's Ctrl-C reaches only the supervisor, dying with the supervisor, and already inside
  /// the cgroup whose `cgroup.procs` is `cgroupProcs`, so its first page is charged there.
  static func spawn(
    executable: String, environment: [String], page: SharedPage, contract: Int32, cgroupProcs: String?
  ) throws -> pid_t {
    var setup = Spawn.Setup()
    setup.descriptors = [
      (page.descriptor, SharedPage.workerDescriptor), (contract, WorkerContract.descriptor),
    ]
    setup.cgroupProcs = cgroupProcs
    setup.parentDeathSignal = SIGKILL
    setup.newProcessGroup = true
    switch try Spawn.start(executable, arguments: [executable, "__worker"], environment: environment, setup: setup) {
    case .success(let pid): return pid
    case .failure(let failure):
      throw SystemError.call(
        cgroupProcs.map { "starting \(executable) inside \($0)" } ?? "starting \(executable)", failure.errno)
    }
  }

  /// The path of the running binary, resolved so the worker is the same file even if PATH changes.
  static func currentExecutable() -> String {
    var buffer = [CChar](repeating: 0, count: 4096)
    let n = readlink("/proc/self/exe", &buffer, buffer.count - 1)
    guard n > 0 else { return "/proc/self/exe" }
    return String(decoding: buffer[0..<n].map { UInt8(bitPattern: $0) }, as: UTF8.self)
  }
}
