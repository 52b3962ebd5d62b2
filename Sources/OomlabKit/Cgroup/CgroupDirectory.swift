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

  /// Creates the first free `oomlab-<pid>-<n>` under `parent`, locks it, and returns its path and lock.
  ///
  /// A name already taken (another cgroup of this process, one of a supervisor with the same pid in
  /// another pid namespace, or an abandoned one) is skipped, so two runs never share a cgroup.
  ///
  /// Between mkdir and flock the new cgroup is empty and unlocked, which is exactly what another run's
  /// stale cleanup removes. Rather than reserve the name first (a lock file beside it would need cleaning
  /// up in turn, and cgroupfs holds no ordinary files), creation locks right after mkdir, checks that the
  /// directory locked is still the one at the path, and otherwise moves on to the next name: a cleanup
  /// that wins the race has removed (or is removing) an empty directory nobody used yet, so losing costs
  /// one more mkdir. `afterCreating` runs between mkdir and flock, for tests to act as that cleanup.
  static func makeChild(
    under parent: String, supervisorPid: Int32, afterCreating: (String) -> Void = { _ in }
  ) throws -> (path: String, lock: CgroupLock) {
    for index in 0..<10_000 {
      let path = parent + "/" + CgroupName.make(supervisorPid: supervisorPid, index: index)
      guard mkdir(path, 0o755) == 0 else {
        let code = errno
        if code == EEXIST { continue }
        throw CgroupError.cannotCreate(parent: parent, errno: code)
      }
      afterCreating(path)
      switch CgroupLock.attempt(path) {
      case .locked(let lock): return (path, lock)
      case .held, .gone:
        // A cleanup holds or has removed it; it removes the empty directory itself.
        continue
      case .failed(let code):
        // The directory is ours and still empty; unlocked, it would pass for abandoned, so it goes.
        rmdir(path)
        throw CgroupError.cannotLock(path: path, errno: code)
      }
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
