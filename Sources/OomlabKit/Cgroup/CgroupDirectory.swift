import Glibc

/// File-system steps shared by both cgroup versions: listing, creating, attaching.
enum CgroupDirectory {
  /// The names of the directories directly inside `path`; empty when it cannot be listed.
  static func subdirectories(of path: String) -> [String] {
    guard let dir = opendir(path) else { return [] }
    defer { closedir(dir) }
    var names: [String] = []
    while let entry = readdir(dir) {
      let name = withUnsafePointer(to: &entry.pointee.d_name) {
        $0.withMemoryRebound(to: CChar.self, capacity: 256) { String(cString: $0) }
      }
      if name == "." || name == ".." { continue }
      var isDirectory = entry.pointee.d_type == UInt8(DT_DIR)
      if entry.pointee.d_type == UInt8(DT_UNKNOWN) {
        // Some file systems do not fill d_type; ask stat instead.
        var info = stat()
        isDirectory = stat(path + "/" + name, &info) == 0 && (info.st_mode & S_IFMT) == S_IFDIR
      }
      if isDirectory { names.append(name) }
    }
    return names.sorted()
  }

  /// Creates the first free `oomlab-<pid>-<n>` under `parent` and returns its path.
  ///
  /// A name already taken (another cgroup of this process, or a stale one whose dead supervisor had
  /// the same pid) is skipped, so two runs never share a cgroup.
  static func makeChild(under parent: String, supervisorPid: Int32) throws -> String {
    for index in 0..<10_000 {
      let path = parent + "/" + CgroupName.make(supervisorPid: supervisorPid, index: index)
      if mkdir(path, 0o755) == 0 { return path }
      let code = errno
      if code != EEXIST { throw CgroupError.cannotCreate(parent: parent, errno: code) }
    }
    throw CgroupError.cannotCreate(parent: parent, errno: EEXIST)
  }

  /// The process ids in `cgroup.procs` of `directory`; empty when it cannot be read.
  static func processes(in directory: String) -> [Int32] {
    guard let text = try? FileIO.read(directory + "/cgroup.procs") else { return [] }
    return CgroupValue.pids(text)
  }

  /// Writes `pid` to `cgroup.procs`, which moves the whole process (every thread) in one step.
  static func attach(_ pid: Int32, to directory: String) throws {
    try FileIO.write(directory + "/cgroup.procs", "\(pid)\n")
  }
}
