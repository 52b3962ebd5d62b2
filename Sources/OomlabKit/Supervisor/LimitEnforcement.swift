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
  /// What the summary says of a container's limit that replaced another requested limit.
  private(set) var fallbackNote: String?
  /// That oomlab wrote `+memory` to a parent's cgroup.subtree_control, which outlives the run.
  private(set) var delegationNote: String?
  /// Why the cgroup of oomlab's own failed after the access check allowed it, when the container's limit is used instead.
  private(set) var creationNote: String?
  /// The cgroup's oom_kill count before any worker ran.
  private(set) var baselineKills: UInt64 = 0
  let kernelLog: KernelLog?
  /// Whether `tearDown` ran: a failed removal is reported once, not retried by a later call.
  private var tornDown = false
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
    // A bad combination of the user's own choices, whatever the machine: a simulation has no OOM killer to take a group.
    if oomGroup && mode == .simulated {
      throw RunRefusal(
        status: .badInput,
        description: "oom-group asks the kernel's OOM killer to take every worker at once, and --enforce simulated "
          + "involves no kernel; use --no-oom-group to simulate, or another --enforce")
    }
    // Asked for, a simulation is what runs: no cgroup, no container's limit, no kernel involvement.
    if mode == .simulated { return LimitEnforcement(kind: .simulated, limit: limit, cgroup: nil) }
    var reason = ""
    do {
      // OOMLAB_MOUNTINFO stands in for /proc/self/mountinfo, so the fallbacks below can be
      // exercised on a machine where cgroups work (the tests use it).
      let environment = ProcessInfo.processInfo.environment
      let locator = CgroupLocator(mountInfoPath: environment["OOMLAB_MOUNTINFO"] ?? "/proc/self/mountinfo")
      let hierarchy = try locator.locate()
      // Refused before anything is made: v1 has no memory.oom.group, for a cgroup of oomlab's own or a container's.
      if oomGroup && hierarchy.version == .v1 {
        throw RunRefusal(
          status: .environment,
          description: "cannot take the workers as a group (oom-group): "
            + CgroupError.needsVersion2(directory: hierarchy.ownDirectory, file: "memory.oom.group").description
            + "; --no-oom-group runs with the limit alone")
      }
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
      var creationNote: String?
      var delegationNote: String?
      switch access {
      case .ok:
        // The access check cannot foresee every refusal (EBUSY from a process arriving, EAGAIN from
        // cgroup.max.descendants, EPERM from an LSM, a limit the kernel rejects): those fall back too.
        do {
          let cgroup = try hierarchy.createChild(supervisorPid: getpid(), under: parent) {
            delegationNote = "enabled memory in \(parent)/cgroup.subtree_control; left enabled, since other cgroups "
              + "may rely on it now"
          }
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
          enforcement.delegationNote = delegationNote
          return enforcement
        } catch {
          reason = "\(error)"
          creationNote = "no cgroup of oomlab's own could be made, so the container's limit is used: \(error)"
        }
      case .denied(let why):
        reason = why
      }
      if mode != .cgroup, let container = ContainerLimit.find(in: hierarchy) {
        if oomGroup {
          throw RunRefusal(
            status: .environment,
            description: "cannot take the workers as a group (oom-group): no cgroup of oomlab's own could be made "
              + "(\(reason)), and the container's limit at \(container.directory) would kill them one at a time "
              + "(its memory.oom.group would take the supervisor too); --no-oom-group runs under that limit")
        }
        let where_ = "\(container.directory): limit \(ByteSize.format(container.limit)), \(ByteSize.format(container.usage)) in use at start"
        // The worker runs in the supervisor's own cgroup, which may lie below the limited one.
        let cgroup = hierarchy.cgroup(at: container.directory)
        cgroup.victimDirectory = hierarchy.ownDirectory
        let enforcement = LimitEnforcement(
          kind: .container(where_), limit: container.limit, cgroup: cgroup, mountPoint: hierarchy.mountPoint)
        enforcement.staleCleanup = stale
        if container.limit != limit {
          // The creation note already gives the reason when a cgroup was tried and failed.
          enforcement.fallbackNote = "the requested limit of \(ByteSize.format(limit)) is not enforced"
            + (creationNote == nil ? " (\(reason))" : "") + ": the container's limit of \(ByteSize.format(container.limit)) is what binds"
        }
        enforcement.creationNote = creationNote
        enforcement.delegationNote = delegationNote
        enforcement.leafNote = leafNote
        return enforcement
      }
    } catch let refusal as RunRefusal {
      throw refusal
    } catch {
      reason = "\(error)"
    }
    // A simulation cannot take the workers as a group, so it is no way out for oom-group.
    throw RunRefusal(
      status: .environment,
      description: "cannot enforce a memory limit of \(ByteSize.format(limit)): \(reason)"
        + (mode == .auto && !oomGroup ? "; --enforce simulated kills the worker at RSS >= limit instead" : ""))
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
    if let fallbackNote { notes.append(fallbackNote) }
    if let delegationNote { notes.append(delegationNote) }
    if let creationNote { notes.append(creationNote) }
    if !swapCapped {
      notes.append(
        "swap was not capped: this kernel has no \(cgroup?.layout.swapLimit ?? "swap limit file") (swap accounting is off), so the worker may swap instead of being killed")
    }
    return notes
  }

  /// Removes oomlab's own cgroup, never the container's, once; returns why it could not.
  @discardableResult
  func tearDown() -> (any Error)? {
    guard kind == .cgroup, !tornDown else { return nil }
    tornDown = true
    do {
      try cgroup?.remove()
      return nil
    } catch {
      return error
    }
  }

  /// Tears down after a run whose summary is written: a cgroup left behind is said on stderr and the
  /// run exits 3 (130 stays for an interrupted one).
  func finish(_ result: inout RunResult) {
    guard let error = tearDown() else { return }
    FileIO.writeToStandardError("oomlab: \(error)\n")
    if result.status != .interrupted {
      result.status = .environment
      result.exitCode = ExitStatus.environment.rawValue
    }
  }
}
