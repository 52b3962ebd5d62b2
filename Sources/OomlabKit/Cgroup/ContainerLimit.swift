/// A memory limit this process already sits under, such as a container's, found by walking up its cgroups.
package struct ContainerLimit: Equatable, Sendable {
  /// The cgroup directory that carries the limit.
  package var directory: String
  /// The limit in bytes.
  package var limit: UInt64
  /// That cgroup's current charge in bytes.
  package var usage: UInt64

  /// Creates a record.
  package init(directory: String, limit: UInt64, usage: UInt64) {
    self.directory = directory
    self.limit = limit
    self.usage = usage
  }

  /// Bytes that can still be charged before this limit is hit.
  package var headroom: UInt64 { limit > usage ? limit - usage : 0 }

  /// The limit on this process's cgroup or an ancestor up to the mount point, or nil when all are unlimited.
  package static func find(in hierarchy: CgroupHierarchy) -> ContainerLimit? {
    let layout = CgroupLayout.of(hierarchy.version)
    let (limitFile, usageFile) = (layout.limit, layout.usage)
    var levels: [ContainerLimit] = []
    for directory in chain(from: hierarchy.ownDirectory, upTo: hierarchy.mountPoint) {
      // The v2 root has no memory.max, and a cgroup whose parent does not enable memory has none either.
      guard let limitText = try? FileIO.read(directory + "/" + limitFile), let limit = CgroupValue.limit(limitText)
      else { continue }
      let usage = (try? FileIO.read(directory + "/" + usageFile)).flatMap { CgroupValue.integer($0) } ?? 0
      levels.append(ContainerLimit(directory: directory, limit: limit, usage: usage))
    }
    return tightest(levels)
  }

  /// The limit that will be hit first: the one with the least headroom (the smaller limit on a tie).
  ///
  /// The nearest limited ancestor is not necessarily it: a parent's limit counts its other children too.
  package static func tightest(_ levels: [ContainerLimit]) -> ContainerLimit? {
    levels.min { a, b in
      a.headroom != b.headroom ? a.headroom < b.headroom : a.limit < b.limit
    }
  }

  /// `directory` and each parent of it up to and including `mountPoint`; only `directory` when it is not below it.
  package static func chain(from directory: String, upTo mountPoint: String) -> [String] {
    var result = [directory]
    guard directory != mountPoint, directory.hasPrefix(mountPoint == "/" ? "/" : mountPoint + "/") else {
      return result
    }
    var current = Substring(directory)
    while current != Substring(mountPoint), let slash = current.lastIndex(of: "/") {
      current = slash == current.startIndex ? "/" : current[..<slash]
      result.append(String(current))
    }
    return result
  }
}
