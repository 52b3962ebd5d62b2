import Glibc

/// Finds the memory cgroup hierarchy and this process's cgroup from /proc, without assuming any path.
package struct CgroupLocator: Sendable {
  /// Whether this process may create a memory cgroup, and if not, which right is missing.
  package enum Access: Equatable, Sendable {
    /// A child cgroup can be created, limited and populated.
    case ok
    /// It cannot; the reason names the path and the missing right.
    case denied(reason: String)
  }

  /// The mount table to read, /proc/self/mountinfo unless a test points elsewhere.
  package var mountInfoPath: String
  /// The membership file to read, /proc/self/cgroup unless a test points elsewhere.
  package var procCgroupPath: String

  /// Creates a locator reading the given files.
  package init(mountInfoPath: String = "/proc/self/mountinfo", procCgroupPath: String = "/proc/self/cgroup") {
    self.mountInfoPath = mountInfoPath
    self.procCgroupPath = procCgroupPath
  }

  /// The hierarchy carrying the memory controller (v2 preferred) and this process's directory in it.
  package func locate() throws -> CgroupHierarchy {
    let mounts = MountInfo.parse(try FileIO.read(mountInfoPath))
    let membership = ProcCgroup.parse(try FileIO.read(procCgroupPath))
    return try Self.resolve(mounts: mounts, membership: membership) { mount in
      try? FileIO.read(mount.mountPoint + "/cgroup.controllers")
    }
  }

  /// Decides from parsed mounts and membership; `unifiedControllers` gives a cgroup2 mount's
  /// root `cgroup.controllers` text (nil when unreadable).
  ///
  /// v2 wins when its root offers memory; otherwise memory is bound to a v1 hierarchy, as on hybrid
  /// systems where the unified mount carries no controllers a limit needs.
  package static func resolve(
    mounts: [CgroupMount], membership: ProcCgroup, unifiedControllers: (CgroupMount) -> String?
  ) throws -> CgroupHierarchy {
    var found: [String] = []
    var invisible: CgroupError?
    for mount in mounts where mount.version == .v2 {
      guard let path = membership.unifiedPath else {
        found.append("cgroup2 at \(mount.mountPoint), but /proc/self/cgroup has no 0:: line")
        continue
      }
      guard let controllers = unifiedControllers(mount) else {
        found.append("cgroup2 at \(mount.mountPoint) with an unreadable cgroup.controllers")
        continue
      }
      let words = CgroupValue.words(controllers)
      guard words.contains("memory") else {
        found.append(
          words.isEmpty
            ? "cgroup2 at \(mount.mountPoint) offers no controllers"
            : "cgroup2 at \(mount.mountPoint) offers \"\(words.joined(separator: " "))\" but not memory")
        continue
      }
      if let directory = mount.directory(forCgroupPath: path) {
        return CgroupHierarchy(version: .v2, mountPoint: mount.mountPoint, ownDirectory: directory)
      }
      invisible = .notVisible(cgroupPath: path, mountPoint: mount.mountPoint, mountRoot: mount.root)
    }
    for mount in mounts where mount.version == .v1 && mount.controllers.contains("memory") {
      guard let path = membership.v1Path(controller: "memory") else {
        found.append("cgroup v1 memory at \(mount.mountPoint), but /proc/self/cgroup has no memory line")
        continue
      }
      if let directory = mount.directory(forCgroupPath: path) {
        return CgroupHierarchy(version: .v1, mountPoint: mount.mountPoint, ownDirectory: directory)
      }
      invisible = .notVisible(cgroupPath: path, mountPoint: mount.mountPoint, mountRoot: mount.root)
    }
    if let invisible { throw invisible }
    if mounts.isEmpty { found.append("no cgroup file system is mounted") }
    if !mounts.contains(where: { $0.version == .v1 && $0.controllers.contains("memory") }) {
      found.append("no cgroup v1 mount has the memory controller")
    }
    throw CgroupError.noMemoryHierarchy(found: found.joined(separator: "; "))
  }

  /// Whether a child of this process's cgroup can be created, or the reason it cannot.
  package func canCreateChild() -> Access {
    do {
      return Self.canCreateChild(in: try locate())
    } catch {
      return .denied(reason: "\(error)")
    }
  }

  /// Whether a child of `hierarchy.ownDirectory` can be created and given the memory controller.
  ///
  /// This asks the kernel through access(2) and the controller files rather than by creating a probe
  /// cgroup, so a check leaves nothing behind even if the process dies during it.
  package static func canCreateChild(in hierarchy: CgroupHierarchy) -> Access {
    canCreateChild(in: hierarchy.ownDirectory, version: hierarchy.version)
  }

  /// Whether a child of `parent` can be created and given the memory controller.
  static func canCreateChild(in parent: String, version: CgroupVersion) -> Access {
    if access(parent, W_OK | X_OK) != 0 {
      return .denied(reason: CgroupError.cannotCreate(parent: parent, errno: errno).description)
    }
    guard version == .v2, let obstacle = MemoryDelegation.obstacle(in: parent) else { return .ok }
    return .denied(reason: obstacle.description)
  }
}
