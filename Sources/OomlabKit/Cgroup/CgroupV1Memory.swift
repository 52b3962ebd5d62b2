import Glibc

/// A memory cgroup on a cgroup v1 memory hierarchy.
public final class CgroupV1Memory: MemoryCgroup {
  public let directory: String
  public var version: CgroupVersion { .v1 }
  var remover = CgroupRemover.live
  /// The flock that marks the cgroup as in use, held from creation until `remove`; nil for an adopted cgroup.
  private var lock: CgroupLock?
  // Opened at the first read and kept, so a tick costs one pread per file and no path walks.
  private var usage: ProcFile?
  private var limit: ProcFile?
  private var maxUsage: ProcFile?
  private var stat: ProcFile?
  private var oomControl: ProcFile?
  private var kmemUsage: ProcFile?

  /// Adopts the v1 memory cgroup at `directory` (which must exist for anything but `remove`).
  public init(directory: String) {
    self.directory = directory
  }

  private init(directory: String, lock: CgroupLock) {
    self.directory = directory
    self.lock = lock
  }

  /// Creates `oomlab-<supervisorPid>-<n>` under `parent`; v1 has no controller enabling and no
  /// rule against processes in inner cgroups.
  public static func create(under parent: String, supervisorPid: Int32) throws -> CgroupV1Memory {
    let child = try CgroupDirectory.makeChild(under: parent, supervisorPid: supervisorPid)
    return CgroupV1Memory(directory: child.path, lock: child.lock)
  }

  @discardableResult
  public func setLimit(_ bytes: UInt64) throws -> Bool {
    let limitPath = directory + "/memory.limit_in_bytes"
    let memswPath = directory + "/memory.memsw.limit_in_bytes"
    // memsw (memory + swap) exists only with swap accounting; setting it equal to the limit leaves no room for swap.
    let hasMemsw = FileIO.exists(memswPath)
    do {
      try FileIO.write(limitPath, "\(bytes)\n")
    } catch let error as SystemError where error.errno == EINVAL && hasMemsw {
      // The kernel keeps limit <= memsw limit, so raising the limit above memsw must raise memsw first.
      try FileIO.write(memswPath, "\(bytes)\n")
      try FileIO.write(limitPath, "\(bytes)\n")
      return true
    }
    guard hasMemsw else { return false }
    try FileIO.write(memswPath, "\(bytes)\n")
    return true
  }

  public func read() -> CgroupReading? {
    if usage == nil {
      guard let opened = try? ProcFile(directory + "/memory.usage_in_bytes", capacity: 64) else { return nil }
      usage = opened
      limit = try? ProcFile(directory + "/memory.limit_in_bytes", capacity: 64)
      maxUsage = try? ProcFile(directory + "/memory.max_usage_in_bytes", capacity: 64)
      stat = try? ProcFile(directory + "/memory.stat")
      oomControl = try? ProcFile(directory + "/memory.oom_control", capacity: 256)
      kmemUsage = try? ProcFile(directory + "/memory.kmem.usage_in_bytes", capacity: 64)
    }
    // usage_in_bytes is the page counter the limit is enforced against, so it is the figure to plot
    // against the limit, even though memory.stat's parts may lag it by per-CPU batches.
    guard let current = usage?.withContents({ CgroupValue.integer($0) }) ?? nil else { return nil }
    var reading = CgroupReading(usage: current)
    reading.limit = limit?.withContents { CgroupValue.limit($0) } ?? nil
    reading.peak = maxUsage?.withContents { CgroupValue.integer($0) } ?? nil
    if let stat = stat?.withContents({ MemoryStat.parse($0) }) {
      reading.anon = stat.anon
      reading.file = stat.file
    }
    // v1 memory.stat has no stack/page-table/slab lines; kmem usage is the kernel memory it does count.
    reading.kernel = kmemUsage?.withContents { CgroupValue.integer($0) } ?? nil
    reading.oomKills = oomControl?.withContents { OomControl.parse($0).oomKill } ?? nil
    return reading
  }

  public func remove() throws {
    closeFiles()
    // Released only after rmdir, so no other run ever finds the cgroup present and unlocked.
    defer { lock?.release() }
    try remover.remove(directory)
  }

  private func closeFiles() {
    usage = nil
    limit = nil
    maxUsage = nil
    stat = nil
    oomControl = nil
    kmemUsage = nil
  }
}
