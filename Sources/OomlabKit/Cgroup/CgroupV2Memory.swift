import Glibc

/// A memory cgroup on the unified (v2) hierarchy.
public final class CgroupV2Memory: MemoryCgroup {
  public let directory: String
  public var version: CgroupVersion { .v2 }
  var remover = CgroupRemover.live
  /// The flock that marks the cgroup as in use, held from creation until `remove`; nil for an adopted cgroup.
  private var lock: CgroupLock?
  // Opened at the first read and kept, so a tick costs one pread per file and no path walks.
  private var current: ProcFile?
  private var max: ProcFile?
  private var peak: ProcFile?
  private var stat: ProcFile?
  private var events: ProcFile?
  private var pressure: ProcFile?

  /// Adopts the v2 cgroup at `directory` (which must exist for anything but `remove`).
  public init(directory: String) {
    self.directory = directory
  }

  private init(directory: String, lock: CgroupLock) {
    self.directory = directory
    self.lock = lock
  }

  /// Creates `oomlab-<supervisorPid>-<n>` under `parent`, first enabling the memory controller in
  /// `parent` where the kernel allows it.
  public static func create(under parent: String, supervisorPid: Int32) throws -> CgroupV2Memory {
    try enableMemory(in: parent)
    let child = try CgroupDirectory.makeChild(under: parent, supervisorPid: supervisorPid)
    return CgroupV2Memory(directory: child.path, lock: child.lock)
  }

  /// Makes sure children of `parent` get the memory controller.
  ///
  /// A child has memory.max only if its parent lists memory in cgroup.subtree_control. Enabling it
  /// needs memory in the parent's own cgroup.controllers (delegated from above) and, except in the
  /// root, a parent without processes: the no-internal-processes rule.
  static func enableMemory(in parent: String) throws {
    let subtree = try FileIO.read(parent + "/cgroup.subtree_control")
    if CgroupValue.words(subtree).contains("memory") { return }
    let controllers = try FileIO.read(parent + "/cgroup.controllers")
    guard CgroupValue.words(controllers).contains("memory") else {
      throw CgroupError.controllerUnavailable(
        parent: parent, controllers: CgroupValue.words(controllers).joined(separator: " "))
    }
    let processes = CgroupDirectory.processes(in: parent)
    if !isRoot(parent) && !processes.isEmpty {
      throw CgroupError.internalProcesses(parent: parent, count: processes.count)
    }
    do {
      try FileIO.write(parent + "/cgroup.subtree_control", "+memory\n")
    } catch let error as SystemError where error.errno == EBUSY {
      // A process arrived between the check and the write.
      throw CgroupError.internalProcesses(parent: parent, count: Swift.max(1, CgroupDirectory.processes(in: parent).count))
    }
  }

  /// Whether `directory` is the real root cgroup, the one place processes and controllers may mix.
  ///
  /// Only the root lacks cgroup.type; a cgroup namespace's root (a container's `/`) has it, and the
  /// rule applies there, so the mount point is not the test.
  static func isRoot(_ directory: String) -> Bool {
    !FileIO.exists(directory + "/cgroup.type")
  }

  @discardableResult
  public func setLimit(_ bytes: UInt64) throws -> Bool {
    try FileIO.write(directory + "/memory.max", "\(bytes)\n")
    let swapMax = directory + "/memory.swap.max"
    // The file exists only where swap accounting is on; without it swap cannot be capped per cgroup.
    guard FileIO.exists(swapMax) else { return false }
    try FileIO.write(swapMax, "0\n")
    return true
  }

  public func read() -> CgroupReading? {
    if current == nil {
      guard let opened = try? ProcFile(directory + "/memory.current", capacity: 64) else { return nil }
      current = opened
      max = try? ProcFile(directory + "/memory.max", capacity: 64)
      peak = try? ProcFile(directory + "/memory.peak", capacity: 64)
      stat = try? ProcFile(directory + "/memory.stat")
      events = try? ProcFile(directory + "/memory.events", capacity: 512)
      pressure = try? ProcFile(directory + "/memory.pressure", capacity: 512)
    }
    guard let usage = current?.withContents({ CgroupValue.integer($0) }) ?? nil else { return nil }
    var reading = CgroupReading(usage: usage)
    reading.limit = max?.withContents { CgroupValue.limit($0) } ?? nil
    reading.peak = peak?.withContents { CgroupValue.integer($0) } ?? nil
    if let stat = stat?.withContents({ MemoryStat.parse($0) }) {
      reading.anon = stat.anon
      reading.file = stat.file
      reading.kernel = stat.kernel
    }
    reading.oomKills = events?.withContents { MemoryEvents.parse($0).oomKill } ?? nil
    if let pressure = pressure?.text().map(Pressure.parse) {
      reading.psiSomeAvg10 = pressure.someAvg10
      reading.psiFullAvg10 = pressure.fullAvg10
    }
    return reading
  }

  public func remove() throws {
    closeFiles()
    // Released only after rmdir, so no other run ever finds the cgroup present and unlocked.
    defer { lock?.release() }
    try remover.remove(directory)
  }

  private func closeFiles() {
    current = nil
    max = nil
    peak = nil
    stat = nil
    events = nil
    pressure = nil
  }
}
