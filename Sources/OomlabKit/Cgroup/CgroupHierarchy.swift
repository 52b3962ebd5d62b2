/// The memory cgroup hierarchy in use and this process's place in it.
package struct CgroupHierarchy: Equatable, Sendable {
  /// The interface of the hierarchy.
  package var version: CgroupVersion
  /// Where the hierarchy is mounted.
  package var mountPoint: String
  /// This process's own cgroup directory, the parent of the cgroups oomlab creates.
  package var ownDirectory: String

  /// Creates a hierarchy record.
  package init(version: CgroupVersion, mountPoint: String, ownDirectory: String) {
    self.version = version
    self.mountPoint = mountPoint
    self.ownDirectory = ownDirectory
  }

  /// Creates `oomlab-<supervisorPid>-<n>` under `parent` (by default this process's own cgroup); see
  /// `MemoryCgroup.create` for `enabledMemory`.
  package func createChild(
    supervisorPid: Int32, under parent: String? = nil, enabledMemory: () -> Void = {}
  ) throws -> MemoryCgroup {
    try MemoryCgroup.create(
      version: version, under: parent ?? ownDirectory, supervisorPid: supervisorPid, enabledMemory: enabledMemory)
  }

  /// The cgroup at `directory`, read and written the way this hierarchy's version requires.
  package func cgroup(at directory: String) -> MemoryCgroup {
    MemoryCgroup(directory: directory, version: version)
  }
}
