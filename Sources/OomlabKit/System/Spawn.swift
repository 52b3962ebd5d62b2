import COomlabShim
import Glibc

/// `oomlab_spawn` with Swift values: the C strings and descriptor lists live only for the call.
///
/// The one way oomlab starts a process: workers, the commands `exec` runs, and helpers like ldconfig.
enum Spawn {
  /// Why a child could not get as far as `execve`: the step (`OOMLAB_SPAWN_...`) and its errno.
  struct Failure: Error {
    let step: Int32
    let errno: Int32
  }

  /// How the child is set up between `fork` and `execve`.
  struct Setup {
    /// Descriptors duplicated onto their numbers in the child.
    var descriptors: [(from: Int32, to: Int32)] = []
    /// The `cgroup.procs` the child writes itself into, nil for none.
    var cgroupProcs: String?
    /// The signal the child gets when oomlab dies, 0 for none.
    var parentDeathSignal: Int32 = 0
    /// Whether the child leads a process group of its own.
    var newProcessGroup = false
    /// Whether signals oomlab's caller ignored stay ignored (else every signal is at its default).
    var keepIgnoredSignals = false
    /// With `keepIgnoredSignals`, whether SIGPIPE is ignored too.
    var ignoreSigpipe = false
    /// The child's oom_score_adj, written before it execs.
    var oomScoreAdj: Int?
  }

  /// Starts `executable` with `arguments` (argv[0] first) and `environment` set up as `setup` says.
  static func start(_ executable: String, arguments: [String], environment: [String], setup: Setup) throws
    -> Result<pid_t, Failure>
  {
    var procs: Int32 = -1
    if let path = setup.cgroupProcs {
      procs = open(path, O_WRONLY | O_CLOEXEC)
      guard procs >= 0 else { throw SystemError.file("open", path, errno) }
    }
    defer { if procs >= 0 { close(procs) } }
    let argv = arguments.map { strdup($0) } + [nil]
    let envp = environment.map { strdup($0) } + [nil]
    let adjustment = setup.oomScoreAdj.map { strdup("\($0)\n") }
    defer {
      argv.forEach { free($0) }
      envp.forEach { free($0) }
      adjustment.map { free($0) }
    }
    let from = setup.descriptors.map(\.from)
    let to = setup.descriptors.map(\.to)
    var failedStep: Int32 = 0
    let pid = from.withUnsafeBufferPointer { from in
      to.withUnsafeBufferPointer { to in
        var options = oomlab_spawn_options(
          from: from.baseAddress, to: to.baseAddress, count: Int32(from.count), cgroup_procs_fd: procs,
          parent_death_signal: setup.parentDeathSignal, new_process_group: setup.newProcessGroup ? 1 : 0,
          keep_ignored_signals: setup.keepIgnoredSignals ? 1 : 0, ignore_sigpipe: setup.ignoreSigpipe ? 1 : 0,
          oom_score_adj: UnsafePointer(adjustment ?? nil), failed_step: 0)
        let pid = oomlab_spawn(executable, argv, envp, &options)
        failedStep = options.failed_step
        return pid
      }
    }
    return pid > 0 ? .success(pid) : .failure(Failure(step: failedStep, errno: errno))
  }
}
