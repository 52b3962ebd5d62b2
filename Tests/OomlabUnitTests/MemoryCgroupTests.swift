import Glibc
import Testing

@testable import OomlabKit
import OomlabTestSupport

/// What both cgroup versions do alike, each checked against a fake tree of its own files.
struct MemoryCgroupTests {
  /// Where one version keeps a child cgroup and its limit, and what it writes to cap swap.
  struct Layout: CustomStringConvertible, Sendable {
    let version: CgroupVersion
    let child: String
    let limitFile: String
    let swapFile: String
    /// What the swap file holds once the limit is set: v1 caps memory plus swap, v2 swap alone.
    let swapCap: @Sendable (UInt64) -> String

    var description: String { "\(version)" }

    /// A fake tree holding the child cgroup's files, with the limit file and, if asked, the swap file.
    func tree(withSwap: Bool) throws -> CgroupFakeTree {
      let tree = try CgroupFakeTree()
      if version == .v1 { tree.v1MemoryFiles(child) } else { tree.v2MemoryFiles(child) }
      tree.file(child + "/" + limitFile)
      if withSwap { tree.file(child + "/" + swapFile) }
      return tree
    }
  }

  static let layouts = [
    Layout(
      version: .v1, child: "memory/child", limitFile: "memory.limit_in_bytes",
      swapFile: "memory.memsw.limit_in_bytes", swapCap: { "\($0)\n" }),
    Layout(version: .v2, child: "cgroup/child", limitFile: "memory.max", swapFile: "memory.swap.max", swapCap: { _ in "0\n" }),
  ]

  @Test(arguments: layouts)
  func setLimitWritesTheLimitThenCapsSwap(_ layout: Layout) throws {
    let tree = try layout.tree(withSwap: true)
    let cgroup = MemoryCgroup(directory: tree.path(layout.child), version: layout.version)
    #expect(try cgroup.setLimit(64 << 20))
    #expect(tree.read(layout.child + "/" + layout.limitFile) == "67108864\n")
    #expect(tree.read(layout.child + "/" + layout.swapFile) == layout.swapCap(64 << 20))
  }

  @Test(arguments: layouts)
  func setLimitWithoutSwapAccountingSaysSo(_ layout: Layout) throws {
    let tree = try layout.tree(withSwap: false)
    let cgroup = MemoryCgroup(directory: tree.path(layout.child), version: layout.version)
    #expect(try cgroup.setLimit(1 << 30) == false)
    #expect(tree.read(layout.child + "/" + layout.limitFile) == "1073741824\n")
    #expect(!tree.exists(layout.child + "/" + layout.swapFile))
  }

  @Test(arguments: layouts)
  func attachWritesThePidToCgroupProcs(_ layout: Layout) throws {
    let tree = try layout.tree(withSwap: false)
    let cgroup = MemoryCgroup(directory: tree.path(layout.child), version: layout.version)
    try cgroup.attach(pid: 1811)
    #expect(tree.read(layout.child + "/cgroup.procs") == "1811\n")
    #expect(cgroup.processes() == [1811])
  }
}
