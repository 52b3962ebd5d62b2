import Glibc

/// A memory cgroup oomlab created (or adopted) by its directory: limit it, read it, remove it.
package final class MemoryCgroup {
  /// The cgroup's directory.
  package let directory: String
  /// The interface of the hierarchy the directory belongs to.
  package let version: CgroupVersion
  let layout: CgroupLayout
  /// Where the workers themselves sit, for the figures the kernel counts only there (`Figure.victimsOwn`):
  /// the cgroup itself, except when it is a container's limit on an ancestor of the supervisor's cgroup.
  package var victimDirectory: String
  var remover = CgroupRemover.live
  /// The flock that marks the cgroup as in use, held from creation until `remove`; nil for an adopted cgroup.
  private var lock: CgroupLock?
  // Opened at the first read and kept, so a tick costs one pread per file and no path walks.
  private var usage: ProcFile?
  private var figures: [(ProcFile, CgroupLayout.Figure)] = []

  /// Adopts the memory cgroup at `directory` (which must exist for anything but `remove`).
  package init(directory: String, version: CgroupVersion) {
    self.directory = directory
    self.version = version
    layout = .of(version)
    victimDirectory = directory
  }

  private convenience init(directory: String, version: CgroupVersion, lock: CgroupLock) {
    self.init(directory: directory, version: version)
    self.lock = lock
  }

  /// Creates `oomlab-<supervisorPid>-<n>` under `parent`, locked as in use; on v2 it first makes sure
  /// `parent` hands the memory controller to its children, calling `enabledMemory` if it had to write
  /// `+memory` there (even if the creation then fails, since the write stays).
  package static func create(
    version: CgroupVersion, under parent: String, supervisorPid: Int32, enabledMemory: () -> Void = {}
  ) throws -> MemoryCgroup {
    if version == .v2, try MemoryDelegation.enable(in: parent) { enabledMemory() }
    let child = try CgroupDirectory.makeChild(under: parent, supervisorPid: supervisorPid)
    return MemoryCgroup(directory: child.path, version: version, lock: child.lock)
  }

  /// Sets the memory limit to `bytes` and forbids swap where the kernel has the file for it; returns whether swap was capped.
  @discardableResult
  package func setLimit(_ bytes: UInt64) throws -> Bool {
    let limitPath = directory + "/" + layout.limit
    let swapPath = directory + "/" + layout.swapLimit
    // The swap file exists only with swap accounting on; without it swap cannot be capped per cgroup.
    let canCapSwap = FileIO.exists(swapPath)
    switch version {
    case .v2:
      try FileIO.write(limitPath, "\(bytes)\n")
      guard canCapSwap else { return false }
      try FileIO.write(swapPath, "0\n")
    case .v1:
      // memsw counts memory + swap, so setting it equal to the limit leaves no room for swap; the kernel
      // keeps limit <= memsw limit, so raising the limit above memsw must raise memsw first.
      do {
        try FileIO.write(limitPath, "\(bytes)\n")
      } catch let error as SystemError where error.errno == EINVAL && canCapSwap {
        try FileIO.write(swapPath, "\(bytes)\n")
        try FileIO.write(limitPath, "\(bytes)\n")
        return true
      }
      guard canCapSwap else { return false }
      try FileIO.write(swapPath, "\(bytes)\n")
    }
    return true
  }

  /// Makes the OOM killer take every process of the cgroup together (`memory.oom.group`, cgroup v2 only).
  package func setOOMGroup() throws {
    guard version == .v2 else { throw CgroupError.needsVersion2(directory: directory, file: "memory.oom.group") }
    try FileIO.write(directory + "/memory.oom.group", "1\n")
  }

  /// Moves the process `pid` (all its threads) into the cgroup.
  package func attach(pid: Int32) throws {
    try CgroupDirectory.attach(pid, to: directory)
  }

  /// The process ids in the cgroup now.
  package func processes() -> [Int32] {
    CgroupDirectory.processes(in: directory)
  }

  /// Reads the cgroup's figures; nil when the cgroup can no longer be read (removed).
  package func read() -> CgroupReading? {
    if usage == nil {
      guard let opened = try? ProcFile(directory + "/" + layout.usage, capacity: 64) else { return nil }
      usage = opened
      // A file this kernel lacks (memory.peak before 5.19, memory.pressure without PSI) stays empty.
      figures = layout.figures.compactMap { figure in
        let place = figure.victimsOwn ? victimDirectory : directory
        return (try? ProcFile(place + "/" + figure.file, capacity: figure.capacity)).map { ($0, figure) }
      }
    }
    // The usage is the page counter the limit is enforced against, so it is the figure to plot
    // against the limit, even though memory.stat's parts may lag it by per-CPU batches.
    guard let current = usage?.withContents({ CgroupValue.integer($0) }) ?? nil else { return nil }
    var reading = CgroupReading(usage: current)
    for (file, figure) in figures { file.withContents { figure.fill($0, &reading) } }
    return reading
  }

  /// Kills whatever still runs in the cgroup and removes its directory; removing a missing cgroup succeeds.
  package func remove() throws {
    usage = nil
    figures = []
    // Released only after rmdir, so no other run ever finds the cgroup present and unlocked.
    defer { lock?.release() }
    try remover.remove(directory)
  }
}
