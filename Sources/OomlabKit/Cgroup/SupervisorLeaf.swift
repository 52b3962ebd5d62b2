import Glibc
import Synchronization

/// Moves the supervisor out of its own cgroup v2 into a leaf below it, so that cgroup may hand the
/// memory controller to the cgroups oomlab creates beside the leaf.
///
/// cgroup v2 enables a controller for children only in a cgroup without processes of its own (the
/// no-internal-processes rule). When oomlab is the only process in its cgroup (a container's main
/// process, a `systemd-run --scope`), it can satisfy the rule itself by stepping down into a leaf.
/// It never moves another process: if anything else is in the cgroup, the rule stands and the run
/// falls back or is refused as before. The supervisor stays in the leaf until it exits; the empty,
/// unlocked leaf is then removed by the next run's stale cleanup like any abandoned oomlab cgroup.
enum SupervisorLeaf {
  /// Where this process moved itself, once it has: later runs in the same process (a matrix) create
  /// their cgroups in `parent` again rather than below the leaf.
  static var moved: Moved? { state.withLock { $0 } }

  /// The cgroup left, the leaf entered, and the lock that marks the leaf as this live process's.
  struct Moved: Sendable {
    let parent: String
    let leaf: String
    let lock: CgroupLock
  }

  private static let state = Mutex<Moved?>(nil)

  /// The parent the run's cgroups go in: the cgroup the supervisor left, or its own.
  static func parent(of hierarchy: CgroupHierarchy) -> String {
    moved?.parent ?? hierarchy.ownDirectory
  }

  /// Steps into a new leaf below `parent` when the supervisor is the only process there and that is
  /// all that stops `parent` from delegating memory; returns the leaf, or nil when it did not move.
  static func stepDown(from parent: String) throws -> String? {
    guard moved == nil, case .internalProcesses? = MemoryDelegation.obstacle(in: parent),
      CgroupDirectory.processes(in: parent) == [getpid()]
    else { return nil }
    let leaf = try CgroupDirectory.makeChild(under: parent, supervisorPid: getpid())
    do {
      // "0" moves the writing process, every thread of it.
      try FileIO.write(leaf.path + "/cgroup.procs", "0\n")
    } catch {
      // Released only after rmdir, as MemoryCgroup.remove does: unlocked, the empty leaf would pass for abandoned.
      rmdir(leaf.path)
      leaf.lock.release()
      throw error
    }
    state.withLock { $0 = Moved(parent: parent, leaf: leaf.path, lock: leaf.lock) }
    return leaf.path
  }
}
