import Testing

@testable import OomlabKit
import OomlabTestSupport

/// The limit a process already sits under (a container's), found by walking up its cgroups.
struct CgroupContainerLimitTests {
  @Test func chainWalksUpToTheMountPoint() {
    #expect(
      ContainerLimit.chain(from: "/sys/fs/cgroup/memory/a/b", upTo: "/sys/fs/cgroup/memory")
        == ["/sys/fs/cgroup/memory/a/b", "/sys/fs/cgroup/memory/a", "/sys/fs/cgroup/memory"])
    #expect(ContainerLimit.chain(from: "/sys/fs/cgroup", upTo: "/sys/fs/cgroup") == ["/sys/fs/cgroup"])
    #expect(ContainerLimit.chain(from: "/elsewhere/x", upTo: "/sys/fs/cgroup") == ["/elsewhere/x"])
    #expect(ContainerLimit.chain(from: "/sys/fs/cgroupx/y", upTo: "/sys/fs/cgroup") == ["/sys/fs/cgroupx/y"])
  }

  @Test func tightestIsTheLeastHeadroom() {
    let parent = ContainerLimit(directory: "/a", limit: 1 << 30, usage: 1000 << 20)
    let own = ContainerLimit(directory: "/a/b", limit: 512 << 20, usage: 10 << 20)
    #expect(ContainerLimit.tightest([own, parent]) == parent)
    #expect(parent.headroom == 24 << 20)
    #expect(ContainerLimit(directory: "/x", limit: 1, usage: 5).headroom == 0)
    #expect(ContainerLimit.tightest([]) == nil)
  }

  @Test func v1AncestorLimitIsFound() throws {
    let tree = try CgroupFakeTree()
    tree.v1MemoryFiles("memory")
    tree.v1MemoryFiles("memory/docker", usage: "104857600\n", limit: "536870912\n")
    tree.v1MemoryFiles("memory/docker/app", usage: "52428800\n")
    let hierarchy = CgroupHierarchy(
      version: .v1, mountPoint: tree.path("memory"), ownDirectory: tree.path("memory/docker/app"))
    #expect(
      ContainerLimit.find(in: hierarchy)
        == ContainerLimit(directory: tree.path("memory/docker"), limit: 536_870_912, usage: 104_857_600))
  }

  @Test func v2OwnLimitIsFoundAndUnlimitedIsNil() throws {
    let tree = try CgroupFakeTree()
    tree.file("cgroup/cgroup.controllers", "memory\n")
    tree.v2MemoryFiles("cgroup/pod", current: "1000\n", max: "max\n")
    tree.v2MemoryFiles("cgroup/pod/ctr", current: "900\n", max: "268435456\n")
    let limited = CgroupHierarchy(version: .v2, mountPoint: tree.path("cgroup"), ownDirectory: tree.path("cgroup/pod/ctr"))
    #expect(
      ContainerLimit.find(in: limited) == ContainerLimit(directory: tree.path("cgroup/pod/ctr"), limit: 268_435_456, usage: 900))
    let unlimited = CgroupHierarchy(version: .v2, mountPoint: tree.path("cgroup"), ownDirectory: tree.path("cgroup/pod"))
    #expect(ContainerLimit.find(in: unlimited) == nil)
  }
}
