import COomlabShim
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
    var procs: Int32 = -1
    if let cgroupProcs {
      procs = open(cgroupProcs, O_WRONLY | O_CLOEXEC)
      guard procs >= 0 else { throw SystemError.file("open", cgroupProcs, errno) }
    }
    defer { if procs >= 0 { close(procs) } }
    let argv = ([executable, "__worker"] as [String]).map { strdup($0) } + [nil]
    let envp = environment.map { strdup($0) } + [nil]
    defer {
      argv.forEach { free($0) }
      envp.forEach { free($0) }
    }
    let from = [page.descriptor, contract]
    let to = [SharedPage.workerDescriptor, WorkerContract.descriptor]
    let pid = from.withUnsafeBufferPointer { from in
      to.withUnsafeBufferPointer { to in
        var options = oomlab_spawn_options(
          from: from.baseAddress, to: to.baseAddress, count: Int32(from.count), cgroup_procs_fd: procs,
          parent_death_signal: SIGKILL, new_process_group: 1, keep_ignored_signals: 0, ignore_sigpipe: 0, oom_score_adj: nil,
          failed_step: 0)
        return oomlab_spawn(executable, argv, envp, &options)
      }
    }
    guard pid > 0 else {
      throw SystemError.call(cgroupProcs.map { "starting \(executable) inside \($0)" } ?? "starting \(executable)", errno)
    }
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
