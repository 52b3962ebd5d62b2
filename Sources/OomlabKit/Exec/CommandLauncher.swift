import COomlabShim
import Glibc

/// Starts the program `exec` runs as oomlab's caller would have: in oomlab's process group (so it keeps
/// the terminal, its input and its Ctrl-C), with the signals oomlab's caller ignored still ignored and
/// none blocked, and inside the cgroup before it execs, so that all its memory is charged to the limit.
///
/// This is what timeout(1) does with `--foreground`: a program in a process group of its own would be
/// stopped by SIGTTIN the moment it read the terminal. Ctrl-C reaches the program directly then, so
/// the supervisor passes on only the signals sent to it alone (see `Supervisor.exec`).
enum CommandLauncher {
  /// Starts `executable` with `arguments` (argv[0] first) and `environment`, `descriptors` duplicated
  /// onto their numbers, dying with oomlab; returns its pid.
  static func spawn(
    executable: String, arguments: [String], environment: [String], descriptors: [(from: Int32, to: Int32)],
    cgroupProcs: String?, oomScoreAdj: Int?
  ) throws -> pid_t {
    var procs: Int32 = -1
    if let cgroupProcs {
      procs = open(cgroupProcs, O_WRONLY | O_CLOEXEC)
      guard procs >= 0 else { throw SystemError.file("open", cgroupProcs, errno) }
    }
    defer { if procs >= 0 { close(procs) } }
    let argv = arguments.map { strdup($0) } + [nil]
    let envp = environment.map { strdup($0) } + [nil]
    let adjustment = oomScoreAdj.map { strdup("\($0)\n") }
    defer {
      argv.forEach { free($0) }
      envp.forEach { free($0) }
      adjustment.map { free($0) }
    }
    let from = descriptors.map(\.from)
    let to = descriptors.map(\.to)
    var failedStep: Int32 = 0
    let pid = from.withUnsafeBufferPointer { from in
      to.withUnsafeBufferPointer { to in
        var options = oomlab_spawn_options(
          from: from.baseAddress, to: to.baseAddress, count: Int32(from.count), cgroup_procs_fd: procs,
          parent_death_signal: SIGKILL, new_process_group: 0, keep_ignored_signals: 1,
          ignore_sigpipe: SignalGate.shared.sigpipeIgnoredAtStartup ? 1 : 0, oom_score_adj: UnsafePointer(adjustment ?? nil),
          failed_step: 0)
        let pid = oomlab_spawn(executable, argv, envp, &options)
        failedStep = options.failed_step
        return pid
      }
    }
    guard pid > 0 else {
      let code = errno
      switch Int(failedStep) {
      case OOMLAB_SPAWN_CGROUP:
        throw RunRefusal(
          status: .environment, description: "cannot start \(executable) inside \(cgroupProcs ?? "its cgroup"): \(String(cString: strerror(code)))")
      case OOMLAB_SPAWN_OOM_SCORE_ADJ:
        throw RunRefusal(
          status: .environment,
          description: "cannot set the command's oom_score_adj to \(oomScoreAdj ?? 0): \(String(cString: strerror(code)))"
            + (code == EACCES ? " (lowering it needs CAP_SYS_RESOURCE)" : ""))
      case OOMLAB_SPAWN_EXEC where code == ENOEXEC && executable != "/bin/sh":
        // A file without `#!` or an ELF header is a shell script to execvp(3), and so to oomlab.
        return try spawn(
          executable: "/bin/sh", arguments: ["/bin/sh", executable] + arguments.dropFirst(), environment: environment,
          descriptors: descriptors, cgroupProcs: cgroupProcs, oomScoreAdj: oomScoreAdj)
      case OOMLAB_SPAWN_EXEC:
        throw RunRefusal(status: .badInput, description: "exec: cannot run \(executable): \(String(cString: strerror(code)))")
      default:
        throw SystemError.call("starting \(executable)", code)
      }
    }
    return pid
  }
}
