/// The memory cgroup hierarchy in use and this process's place in it.
public struct CgroupHierarchy: Equatable, Sendable {
  /// The interface of the hierarchy.
  public var version: CgroupVersion
  /// Where the hierarchy is mounted.
  public var mountPoint: String
  /// This process's own cgroup directory, the parent of the cgroups oomlab creates.
  public var ownDirectory: String

  /// Creates a hierarchy record.
  public init(version: CgroupVersion, mountPoint: String, ownDirectory: String) {
    self.version = version
    self.mountPoint = mountPoint
    self.ownDirectory = ownDirectory
  }

  /// Creates `oomlab-<supervisorPid>-<n>` under `parent` (by default this process's own cgroup).
  public func createChild(supervisorPid: Int32, under parent: String? = nil) throws -> any MemoryCgroup {
    let parent = parent ?? ownDirectory
    switch version {
    case .v1: return try CgroupV1Memory.create(under: parent, supervisorPid: supervisorPid)
    case .v2: return try CgroupV2Memory.create(under: parent, supervisorPid: supervisorPid)
    }
  }

  /// The cgroup at `directory`, read and written the way this hierarchy's version requires.
  public func cgroup(at directory: String) -> any MemoryCgroup {
    switch version {
    case .v1: return CgroupV1Memory(directory: directory)
    case .v2: return CgroupV2Memory(directory: directory)
    }
  }
}
