import Glibc

/// Whether a cgroup v2 parent hands the memory controller to its children, checked and made so in one place.
///
/// A child has memory.max only if its parent lists memory in cgroup.subtree_control. Enabling it
/// needs memory in the parent's own cgroup.controllers (delegated from above), a writable
/// cgroup.subtree_control and, except in the root, a parent without processes: the
/// no-internal-processes rule.
enum MemoryDelegation {
  /// Why children of `parent` cannot get the memory controller, or nil when they have it or can.
  static func obstacle(in parent: String) -> CgroupError? {
    switch state(of: parent) {
    case .success: return nil
    case .failure(let error): return error
    }
  }

  /// Makes sure children of `parent` get the memory controller; returns whether it wrote `+memory` to do so.
  ///
  /// The write is left in place: it enables memory for every child of `parent` (at the root, system-wide),
  /// and other cgroups may rely on it as soon as it is made, so only the caller can say it happened.
  @discardableResult
  static func enable(in parent: String) throws -> Bool {
    guard try state(of: parent).get() == .mustEnable else { return false }
    do {
      try FileIO.write(parent + "/cgroup.subtree_control", "+memory\n")
    } catch let error as SystemError where error.errno == EBUSY {
      // A process arrived between the check and the write.
      throw CgroupError.internalProcesses(parent: parent, count: max(1, CgroupDirectory.processes(in: parent).count))
    }
    return true
  }

  /// Where a parent stands.
  enum State: Equatable {
    /// Its children get the memory controller already.
    case delegated
    /// They will once `+memory` is written to its cgroup.subtree_control.
    case mustEnable
  }

  static func state(of parent: String) -> Result<State, CgroupError> {
    let subtree: String
    do {
      subtree = try FileIO.read(parent + "/cgroup.subtree_control")
    } catch let error as SystemError {
      return .failure(.subtreeControlNotWritable(parent: parent, errno: error.errno))
    } catch {
      return .failure(.subtreeControlNotWritable(parent: parent, errno: EIO))
    }
    if CgroupValue.words(subtree).contains("memory") { return .success(.delegated) }
    let controllers = (try? FileIO.read(parent + "/cgroup.controllers")) ?? ""
    guard CgroupValue.words(controllers).contains("memory") else {
      return .failure(.controllerUnavailable(parent: parent, controllers: CgroupValue.words(controllers).joined(separator: " ")))
    }
    // Tested before the processes: internalProcesses is the one obstacle a supervisor alone in `parent`
    // removes by stepping down, which must not happen when the write would be denied anyway.
    if access(parent + "/cgroup.subtree_control", W_OK) != 0 {
      return .failure(.subtreeControlNotWritable(parent: parent, errno: errno))
    }
    let processes = CgroupDirectory.processes(in: parent)
    if !isRoot(parent) && !processes.isEmpty {
      return .failure(.internalProcesses(parent: parent, count: processes.count))
    }
    return .success(.mustEnable)
  }

  /// Whether `directory` is the real root cgroup, the one place processes and controllers may mix.
  ///
  /// Only the root lacks cgroup.type; a cgroup namespace's root (a container's `/`) has it, and the
  /// rule applies there, so the mount point is not the test.
  static func isRoot(_ directory: String) -> Bool {
    !FileIO.exists(directory + "/cgroup.type")
  }
}
