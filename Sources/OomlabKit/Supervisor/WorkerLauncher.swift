import COomlabShim
import Glibc

/// Starts a worker by re-executing this binary, so the worker gets its own allocator and limits.
enum WorkerLauncher {
  /// Spawns this binary (or `executable`, when given) as a worker with the shared page and its sealed
  /// contract at the descriptors the worker expects, all signals unblocked and at their defaults, in its
  /// own process group so a terminal's Ctrl-C reaches only the supervisor, dying with the supervisor, and
  /// already inside the cgroup whose `cgroupProcs` is `cgroupProcs`, so its first page is charged there.
  static func spawn(
    executable: String?, environment: [String], page: SharedPage, contract: Int32, cgroupProcs: String?
  ) throws -> pid_t {
    var setup = Spawn.Setup()
    setup.descriptors = [
      (page.descriptor, SharedPage.workerDescriptor), (contract, WorkerContract.descriptor),
    ]
    setup.cgroupProcs = cgroupProcs
    setup.parentDeathSignal = SIGKILL
    setup.newProcessGroup = true
    // /proc/self/exe is the running binary's own file even once a rebuild has replaced or deleted its
    // path (a matrix's later cells); the path stays argv[0], for ps and messages.
    let name = executable ?? currentExecutable()
    switch try Spawn.start(executable ?? "/proc/self/exe", arguments: [name, "__worker"], environment: environment, setup: setup) {
    case .success(let pid): return pid
    case .failure(let failure):
      let step: String
      switch Int(failure.step) {
      case OOMLAB_SPAWN_CGROUP: step = "starting a worker inside \(cgroupProcs ?? "its cgroup")"
      case OOMLAB_SPAWN_PROCESS_GROUP: step = "giving a worker a process group of its own"
      case OOMLAB_SPAWN_PARENT_DEATH_SIGNAL: step = "tying a worker's life to the supervisor's (PR_SET_PDEATHSIG)"
      case OOMLAB_SPAWN_DESCRIPTORS: step = "handing a worker its shared page and contract"
      default: step = "starting \(name) as a worker"
      }
      throw SystemError.call(step, failure.errno)
    }
  }

  /// The path of the running binary, for a worker's argv[0]; "/proc/self/exe" when it cannot be read.
  static func currentExecutable() -> String {
    var buffer = [CChar](repeating: 0, count: 4096)
    let n = readlink("/proc/self/exe", &buffer, buffer.count - 1)
    guard n > 0 else { return "/proc/self/exe" }
    return String(decoding: buffer[0..<n].map { UInt8(bitPattern: $0) }, as: UTF8.self)
  }
}
