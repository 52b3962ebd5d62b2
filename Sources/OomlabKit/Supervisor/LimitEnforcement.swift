import Foundation
import Glibc

/// The memory limit in force for a run and the means by which it is enforced.
final class LimitEnforcement {
  /// How the limit is enforced, for the summary.
  enum Kind: Equatable {
    /// A cgroup of oomlab's own, removed after the run.
    case cgroup
    /// The container's existing limit: the supervisor runs inside it too.
    case container(String)
    /// The supervisor kills the worker at RSS >= limit: no kernel involvement.
    case simulated
  }

  let kind: Kind
  let limit: UInt64
  let cgroup: MemoryCgroup?
  /// What the removal of abandoned cgroups did before this run's own was created.
  private(set) var staleCleanup = StaleCgroups.Cleanup()
  /// Whether swap was capped at 0 beside the limit (false where the kernel has no file for it).
  private(set) var swapCapped = true
  /// Where the supervisor moved itself to satisfy cgroup v2's no-internal-processes rule, if it did.
  private(set) var leafNote: String?
  /// The cgroup's oom_kill count before any worker ran.
  private(set) var baselineKills: UInt64 = 0
  let kernelLog: KernelLog?
  /// The cgroup's path as the kernel's OOM lines print it, from its hierarchy's mount (in a cgroup
  /// namespace, the end of the kernel's path).
  let kernelPath: String?

  private init(kind: Kind, limit: UInt64, cgroup: MemoryCgroup?, mountPoint: String? = nil) {
    self.kind = kind
    self.limit = limit
    self.cgroup = cgroup
    if let cgroup, let mountPoint, cgroup.directory.hasPrefix(mountPoint) {
      kernelPath = "/" + cgroup.directory.dropFirst(mountPoint.count).drop { $0 == "/" }
    } else {
      kernelPath = nil
    }
    kernelLog = KernelLog()
    baselineKills = cgroup?.read()?.oomKills ?? 0
  }

  /// Sets up enforcement of `limit`, or throws a refusal that names the missing right.
  static func prepare(limit: UInt64, mode: EnforceMode, oomGroup: Bool = false) throws -> LimitEnforcement {
    // Asked for, a simulation is what runs: no cgroup, no container's limit, no kernel involvement.
    if mode == .simulated { return LimitEnforcement(kind: .simulated, limit: limit, cgroup: nil) }
    var reason = ""
    do {
      // OOMLAB_MOUNTINFO stands in for /proc/self/mountinfo, so the fallbacks below can be
      // exercised on a machine where cgroups work (the tests use it).
      let environment = ProcessInfo.processInfo.environment
      let locator = CgroupLocator(mountInfoPath: environment["OOMLAB_MOUNTINFO"] ?? "/proc/self/mountinfo")
      let hierarchy = try locator.locate()
      // Cgroups of earlier runs whose supervisor died (SIGKILL, a crash) are removed first; only
      // provably abandoned ones, and nothing is killed (see StaleCgroups).
      var parent = SupervisorLeaf.parent(of: hierarchy)
      let stale = StaleCgroups.clean(parent: parent)
      var access = CgroupLocator.canCreateChild(in: parent, version: hierarchy.version)
      var leafNote: String?
      // A leaf that cannot be made (a read-only cgroup file system, as in a container) is no error:
      // the run falls back to the container's limit below, as it would have without the attempt.
      if case .denied = access, hierarchy.version == .v2, let leaf = (try? SupervisorLeaf.stepDown(from: parent)) ?? nil {
        leafNote = "the supervisor moved itself into \(leaf), so that \(parent) could hand the memory controller to "
          + "the worker's cgroup (cgroup v2's no-internal-processes rule)"
        parent = SupervisorLeaf.parent(of: hierarchy)
        access = CgroupLocator.canCreateChild(in: parent, version: hierarchy.version)
      }
      switch access {
      case .ok:
        let cgroup = try hierarchy.createChild(supervisorPid: getpid(), under: parent)
        let swapCapped: Bool
        do {
          swapCapped = try cgroup.setLimit(limit)
          if oomGroup { try cgroup.setOOMGroup() }
        } catch {
          try? cgroup.remove()
          throw error
        }
        let enforcement = LimitEnforcement(kind: .cgroup, limit: limit, cgroup: cgroup, mountPoint: hierarchy.mountPoint)
        enforcement.staleCleanup = stale
        enforcement.swapCapped = swapCapped
        enforcement.leafNote = leafNote
        return enforcement
      case .denied(let why):
        reason = why
      }
      if mode != .cgroup, let container = ContainerLimit.find(in: hierarchy) {
        let where_ = "\(container.directory): limit \(ByteSize.format(container.limit)), \(ByteSize.format(container.usage)) in use at start"
        let enforcement = LimitEnforcement(
          kind: .container(where_), limit: container.limit, cgroup: hierarchy.cgroup(at: container.directory),
          mountPoint: hierarchy.mountPoint)
        enforcement.staleCleanup = stale
        return enforcement
      }
    } catch {
      reason = "\(error)"
    }
    throw RunRefusal(
      status: .environment,
      description: "cannot enforce a memory limit of \(ByteSize.format(limit)): \(reason)"
        + (mode == .auto ? "; --enforce simulated kills the worker at RSS >= limit instead" : ""))
  }

  /// The `cgroup.procs` a worker writes itself into before it execs, for a cgroup of oomlab's own.
  var joinedBeforeExec: String? {
    guard kind == .cgroup, let cgroup else { return nil }
    return cgroup.directory + "/cgroup.procs"
  }

  /// Puts a started worker under the limit: a container's limit holds it already, so it is offered
  /// to the OOM killer first; a cgroup of oomlab's own took it before it exec'd.
  func admit(_ pid: pid_t) throws {
    switch kind {
    case .cgroup: break
    case .container:
      // The supervisor shares the container's limit: make sure the kernel picks the worker.
      try FileIO.write("/proc/\(pid)/oom_score_adj", "1000\n")
    case .simulated: break
    }
  }

  /// Whether the cgroup's oom_kill counter rose since the run began.
  func killsSinceStart() -> UInt64 {
    guard let kills = cgroup?.read()?.oomKills else { return 0 }
    return kills > baselineKills ? kills - baselineKills : 0
  }

  /// How the limit is enforced, for the report.
  var enforcement: Enforcement {
    switch kind {
    case .cgroup: return .cgroup(cgroup?.directory ?? "")
    case .container(let place): return .container(place)
    case .simulated: return .simulated
    }
  }

  /// What the summary must say about how the limit was set up, beside the outcome.
  var notes: [String] {
    var notes = staleCleanup.problems.map { "an earlier run's cgroup was left in place: \($0)" }
    if let leafNote { notes.append(leafNote) }
    if !swapCapped {
      notes.append(
        "swap was not capped: this kernel has no \(cgroup?.version == .v1 ? "memory.memsw.limit_in_bytes" : "memory.swap.max") (swap accounting is off), so the worker may swap instead of being killed")
    }
    return notes
  }

  /// Removes oomlab's own cgroup; never the container's.
  func tearDown() {
    if kind == .cgroup { try? cgroup?.remove() }
  }
}
