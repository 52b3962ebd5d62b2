/// One cgroup filesystem mount, as /proc/self/mountinfo lists it.
package struct CgroupMount: Equatable, Sendable {
  /// `v1` for fstype `cgroup`, `v2` for `cgroup2`.
  package var version: CgroupVersion
  /// Where the hierarchy is mounted, such as `/sys/fs/cgroup/memory`.
  package var mountPoint: String
  /// The cgroup shown at the mount point (mountinfo field 4): `/` unless bind-mounted or seen from a namespace.
  package var root: String
  /// The v1 controllers bound to the hierarchy, from the super options; empty for v2, whose
  /// controllers are listed in the root's `cgroup.controllers` instead.
  package var controllers: [String]

  /// Creates a mount record.
  package init(version: CgroupVersion, mountPoint: String, root: String = "/", controllers: [String] = []) {
    self.version = version
    self.mountPoint = mountPoint
    self.root = root
    self.controllers = controllers
  }

  /// The directory of the cgroup `path` (as /proc/self/cgroup names it), or nil when the mount does not show it.
  package func directory(forCgroupPath path: String) -> String? {
    let relative: Substring
    if root == "/" {
      relative = Substring(path)
    } else if path == root {
      relative = "/"
    } else if path.hasPrefix(root + "/") {
      relative = path.dropFirst(root.count)
    } else {
      return nil
    }
    if relative == "/" || relative.isEmpty { return mountPoint }
    return mountPoint == "/" ? String(relative) : mountPoint + relative
  }
}
