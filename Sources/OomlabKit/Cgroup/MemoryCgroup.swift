/// A memory cgroup oomlab created (or adopted) by its directory: limit it, put processes in, read it, remove it.
public protocol MemoryCgroup: AnyObject {
  /// The cgroup's directory.
  var directory: String { get }
  /// The interface of the hierarchy the directory belongs to.
  var version: CgroupVersion { get }
  /// Sets the memory limit to `bytes` and forbids swap where the kernel has the file for it; returns whether swap was capped.
  @discardableResult func setLimit(_ bytes: UInt64) throws -> Bool
  /// Moves the process `pid` (all its threads) into the cgroup.
  func attach(pid: Int32) throws
  /// The process ids in the cgroup now.
  func processes() -> [Int32]
  /// Reads the cgroup's figures; nil when the cgroup can no longer be read (removed).
  func read() -> CgroupReading?
  /// Kills whatever still runs in the cgroup and removes its directory; removing a missing cgroup succeeds.
  func remove() throws
}

extension MemoryCgroup {
  /// Both versions attach through `cgroup.procs`.
  public func attach(pid: Int32) throws {
    try CgroupDirectory.attach(pid, to: directory)
  }

  /// Both versions list members in `cgroup.procs`.
  public func processes() -> [Int32] {
    CgroupDirectory.processes(in: directory)
  }
}
