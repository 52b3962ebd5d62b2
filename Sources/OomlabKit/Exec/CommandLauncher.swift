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
    var setup = Spawn.Setup()
    setup.descriptors = descriptors
    setup.cgroupProcs = cgroupProcs
    setup.parentDeathSignal = SIGKILL
    setup.keepIgnoredSignals = true
    setup.ignoreSigpipe = SignalGate.shared.sigpipeIgnoredAtStartup
    setup.oomScoreAdj = oomScoreAdj
    let failure: Spawn.Failure
    switch try Spawn.start(executable, arguments: arguments, environment: environment, setup: setup) {
    case .success(let pid): return pid
    case .failure(let failed): failure = failed
    }
    let code = failure.errno
    switch Int(failure.step) {
    case OOMLAB_SPAWN_CGROUP:
      throw RunRefusal(
        status: .environment, description: "cannot start \(executable) inside \(cgroupProcs ?? "its cgroup"): \(ErrnoName.explain(code))")
    case OOMLAB_SPAWN_OOM_SCORE_ADJ:
      throw RunRefusal(
        status: .environment,
        description: "cannot set the command's oom_score_adj to \(oomScoreAdj ?? 0): \(ErrnoName.explain(code))"
          + (code == EACCES ? " (lowering it needs CAP_SYS_RESOURCE)" : ""))
    case OOMLAB_SPAWN_EXEC where code == ENOEXEC && executable != "/bin/sh":
      // A file without `#!` or an ELF header is a shell script to execvp(3), and so to oomlab.
      return try spawn(
        executable: "/bin/sh", arguments: ["/bin/sh", executable] + arguments.dropFirst(), environment: environment,
        descriptors: descriptors, cgroupProcs: cgroupProcs, oomScoreAdj: oomScoreAdj)
    case OOMLAB_SPAWN_EXEC:
      throw RunRefusal(status: .badInput, description: "exec: cannot run \(executable): \(ErrnoName.explain(code))")
    default:
      throw SystemError.call("starting \(executable)", code)
    }
  }
}
