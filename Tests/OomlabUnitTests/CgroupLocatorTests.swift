import Glibc
import Testing

@testable import OomlabKit
import OomlabTestSupport

/// Mount table and membership parsing, and finding the memory hierarchy on v1-hybrid, pure v2 and container machines.
struct CgroupLocatorTests {
  /// /proc/self/mountinfo of a cgroup v1 hybrid machine like the CI one, with cgroup paths under `prefix`.
  static func hybridMountInfo(_ prefix: String = "/sys/fs/cgroup") -> String {
    """
    21 26 0:20 / /proc rw,nosuid,nodev,noexec,relatime shared:12 - proc proc rw
    22 26 0:21 / /sys rw,nosuid,nodev,noexec,relatime shared:2 - sysfs sysfs rw
    26 1 253:1 / / rw,relatime shared:1 - ext4 /dev/vda rw
    31 22 0:28 / \(prefix) rw,relatime - tmpfs tmpfs rw,mode=755
    32 31 0:29 / \(prefix)/cpu rw,relatime - cgroup cgroup rw,cpu
    33 31 0:30 / \(prefix)/cpuacct rw,relatime - cgroup cgroup rw,cpuacct
    34 31 0:31 / \(prefix)/cpuset rw,relatime - cgroup cgroup rw,cpuset
    35 31 0:32 / \(prefix)/memory rw,relatime - cgroup cgroup rw,memory
    36 31 0:33 / \(prefix)/devices rw,relatime - cgroup cgroup rw,devices
    37 31 0:34 / \(prefix)/freezer rw,relatime - cgroup cgroup rw,freezer
    38 31 0:35 / \(prefix)/blkio rw,relatime - cgroup cgroup rw,blkio
    39 31 0:36 / \(prefix)/pids rw,relatime - cgroup cgroup rw,pids
    40 31 0:37 / \(prefix)/systemd rw,relatime - cgroup cgroup rw,name=systemd
    41 31 0:38 / \(prefix)/unified rw,relatime - cgroup2 cgroup2 rw

    """
  }

  static let hybridCgroup = """
    9:name=systemd:/
    8:pids:/
    7:blkio:/
    6:freezer:/
    5:devices:/
    4:memory:/process_api/e6eea9defa09c10947d7d41a2e0d29fb
    3:cpuset:/
    2:cpuacct:/
    1:cpu:/
    0::/

    """

  /// /proc/self/mountinfo of a pure cgroup v2 machine (systemd, Ubuntu 22.04 and later).
  static func unifiedMountInfo(_ prefix: String = "/sys/fs/cgroup") -> String {
    """
    22 28 0:21 / /sys rw,nosuid,nodev,noexec,relatime shared:7 - sysfs sysfs rw
    25 22 0:22 / \(prefix) rw,nosuid,nodev,noexec,relatime shared:9 - cgroup2 cgroup2 rw,nsdelegate,memory_recursiveprot
    26 22 0:23 / /sys/fs/pstore rw,nosuid,nodev,noexec,relatime shared:10 - pstore pstore rw
    28 1 259:2 / / rw,relatime shared:1 - ext4 /dev/nvme0n1p2 rw,errors=remount-ro

    """
  }

  static let unifiedCgroup = "0::/user.slice/user-1000.slice/session-2.scope\n"

  @Test func mountInfoOfAHybridMachine() {
    let mounts = MountInfo.parse(Self.hybridMountInfo())
    #expect(mounts.count == 10)
    #expect(mounts.filter { $0.version == .v1 }.count == 9)
    let memory = mounts.first { $0.controllers == ["memory"] }
    #expect(memory == CgroupMount(version: .v1, mountPoint: "/sys/fs/cgroup/memory", controllers: ["memory"]))
    #expect(mounts.first { $0.mountPoint == "/sys/fs/cgroup/systemd" }?.controllers == [], "name=systemd is no controller")
    #expect(mounts.last == CgroupMount(version: .v2, mountPoint: "/sys/fs/cgroup/unified"))
  }

  @Test func mountInfoWithCombinedControllersAndOptionalFields() {
    let text = """
      30 25 0:26 / /sys/fs/cgroup/cpu,cpuacct rw,nosuid,nodev,noexec,relatime shared:11 master:3 - cgroup cgroup rw,cpu,cpuacct
      31 25 0:27 /docker/ab12 /sys/fs/cgroup/memory ro,nosuid,nodev,noexec,relatime master:15 - cgroup cgroup rw,memory,clone_children
      32 25 0:28 / /mnt/with\\040space rw - cgroup2 cgroup2 rw,nsdelegate

      """
    let mounts = MountInfo.parse(text)
    #expect(mounts.count == 3)
    #expect(mounts[0].controllers == ["cpu", "cpuacct"])
    #expect(mounts[0].mountPoint == "/sys/fs/cgroup/cpu,cpuacct")
    #expect(mounts[1].root == "/docker/ab12")
    #expect(mounts[1].controllers == ["memory"])
    #expect(mounts[2].mountPoint == "/mnt/with space")
  }

  @Test func procCgroupOfBothKinds() {
    let hybrid = ProcCgroup.parse(Self.hybridCgroup)
    #expect(hybrid.v1Path(controller: "memory") == "/process_api/e6eea9defa09c10947d7d41a2e0d29fb")
    #expect(hybrid.v1Path(controller: "name=systemd") == "/")
    #expect(hybrid.unifiedPath == "/")
    let combined = ProcCgroup.parse("4:cpu,cpuacct:/a:b\n")
    #expect(combined.v1Path(controller: "cpuacct") == "/a:b")
    let unified = ProcCgroup.parse(Self.unifiedCgroup)
    #expect(unified.v1Paths.isEmpty)
    #expect(unified.unifiedPath == "/user.slice/user-1000.slice/session-2.scope")
  }

  @Test func mountDirectoryForACgroupPath() {
    let plain = CgroupMount(version: .v1, mountPoint: "/sys/fs/cgroup/memory", controllers: ["memory"])
    #expect(plain.directory(forCgroupPath: "/") == "/sys/fs/cgroup/memory")
    #expect(plain.directory(forCgroupPath: "/a/b") == "/sys/fs/cgroup/memory/a/b")
    // A container without a cgroup namespace sees its own cgroup mounted at the mount point.
    let docker = CgroupMount(version: .v1, mountPoint: "/sys/fs/cgroup/memory", root: "/docker/ab12")
    #expect(docker.directory(forCgroupPath: "/docker/ab12") == "/sys/fs/cgroup/memory")
    #expect(docker.directory(forCgroupPath: "/docker/ab12/x") == "/sys/fs/cgroup/memory/x")
    #expect(docker.directory(forCgroupPath: "/docker/ab123") == nil)
  }

  @Test func resolveChoosesV1MemoryOnAHybridMachine() throws {
    let hierarchy = try CgroupLocator.resolve(
      mounts: MountInfo.parse(Self.hybridMountInfo()), membership: ProcCgroup.parse(Self.hybridCgroup)
    ) { _ in "hugetlb\n" }
    #expect(
      hierarchy
        == CgroupHierarchy(
          version: .v1, mountPoint: "/sys/fs/cgroup/memory",
          ownDirectory: "/sys/fs/cgroup/memory/process_api/e6eea9defa09c10947d7d41a2e0d29fb"))
  }

  @Test func resolvePrefersV2WhenItHasMemory() throws {
    let hierarchy = try CgroupLocator.resolve(
      mounts: MountInfo.parse(Self.unifiedMountInfo()), membership: ProcCgroup.parse(Self.unifiedCgroup)
    ) { _ in "cpuset cpu io memory hugetlb pids rdma misc\n" }
    #expect(hierarchy.version == .v2)
    #expect(hierarchy.ownDirectory == "/sys/fs/cgroup/user.slice/user-1000.slice/session-2.scope")
  }

  @Test func resolveInsideAV2ContainerWithACgroupNamespace() throws {
    let mounts = MountInfo.parse(
      "700 690 0:30 / /sys/fs/cgroup ro,nosuid,nodev,noexec,relatime - cgroup2 cgroup rw,nsdelegate,memory_recursiveprot\n")
    let hierarchy = try CgroupLocator.resolve(mounts: mounts, membership: ProcCgroup.parse("0::/\n")) { _ in
      "cpu io memory pids\n"
    }
    #expect(hierarchy == CgroupHierarchy(version: .v2, mountPoint: "/sys/fs/cgroup", ownDirectory: "/sys/fs/cgroup"))
  }

  @Test func resolveExplainsAMachineWithoutAMemoryController() {
    let mounts = MountInfo.parse(Self.hybridMountInfo()).filter { $0.controllers != ["memory"] }
    #expect(throws: CgroupError.self) {
      try CgroupLocator.resolve(mounts: mounts, membership: ProcCgroup.parse(Self.hybridCgroup)) { _ in "hugetlb\n" }
    }
    do {
      _ = try CgroupLocator.resolve(mounts: mounts, membership: ProcCgroup.parse(Self.hybridCgroup)) { _ in
        "hugetlb\n"
      }
    } catch {
      #expect("\(error)".contains("cgroup2 at /sys/fs/cgroup/unified offers \"hugetlb\" but not memory"))
      #expect("\(error)".contains("no cgroup v1 mount has the memory controller"))
    }
  }

  @Test func resolveReportsACgroupOutsideTheMount() {
    let mounts = MountInfo.parse(
      "31 25 0:27 /docker/ab12 /sys/fs/cgroup/memory rw - cgroup cgroup rw,memory\n")
    #expect(
      throws: CgroupError.notVisible(cgroupPath: "/other", mountPoint: "/sys/fs/cgroup/memory", mountRoot: "/docker/ab12")
    ) {
      try CgroupLocator.resolve(mounts: mounts, membership: ProcCgroup.parse("4:memory:/other\n")) { _ in nil }
    }
  }

  @Test func locateReadsAFakeHybridMachine() throws {
    let tree = try CgroupFakeTree()
    let prefix = tree.path("sys/fs/cgroup")
    tree.file("proc/mountinfo", Self.hybridMountInfo(prefix))
    tree.file("proc/cgroup", Self.hybridCgroup)
    tree.file("sys/fs/cgroup/unified/cgroup.controllers", "hugetlb\n")
    tree.v1MemoryFiles("sys/fs/cgroup/memory/process_api/e6eea9defa09c10947d7d41a2e0d29fb")
    let locator = CgroupLocator(mountInfoPath: tree.path("proc/mountinfo"), procCgroupPath: tree.path("proc/cgroup"))
    let hierarchy = try locator.locate()
    #expect(hierarchy.version == .v1)
    #expect(hierarchy.mountPoint == prefix + "/memory")
    #expect(hierarchy.ownDirectory == prefix + "/memory/process_api/e6eea9defa09c10947d7d41a2e0d29fb")
    #expect(locator.canCreateChild() == .ok)
    let child = try hierarchy.createChild(supervisorPid: 77)
    #expect(child.version == .v1)
    #expect(child.directory == hierarchy.ownDirectory + "/oomlab-77-0")
  }

  @Test func locateReadsAFakeUnifiedMachine() throws {
    let tree = try CgroupFakeTree()
    let prefix = tree.path("sys/fs/cgroup")
    tree.file("proc/mountinfo", Self.unifiedMountInfo(prefix))
    tree.file("proc/cgroup", Self.unifiedCgroup)
    tree.file("sys/fs/cgroup/cgroup.controllers", "cpuset cpu io memory hugetlb pids rdma misc\n")
    let scope = "sys/fs/cgroup/user.slice/user-1000.slice/session-2.scope"
    tree.v2MemoryFiles(scope)
    tree.file(scope + "/cgroup.controllers", "cpu memory pids\n")
    tree.file(scope + "/cgroup.procs", "1200\n1201\n")
    let locator = CgroupLocator(mountInfoPath: tree.path("proc/mountinfo"), procCgroupPath: tree.path("proc/cgroup"))
    let hierarchy = try locator.locate()
    #expect(hierarchy == CgroupHierarchy(version: .v2, mountPoint: prefix, ownDirectory: tree.path(scope)))
    // The session scope holds the shell: memory cannot be enabled for children there.
    guard case .denied(let reason) = locator.canCreateChild() else {
      Issue.record("expected a refusal")
      return
    }
    #expect(reason.contains("no-internal-processes") && reason.contains(tree.path(scope)))
    // Once a delegated, empty parent enables memory, a child can be made.
    tree.file(scope + "/cgroup.procs", "")
    #expect(locator.canCreateChild() == .ok)
    tree.file(scope + "/cgroup.controllers", "cpu pids\n")
    guard case .denied(let undelegated) = locator.canCreateChild() else {
      Issue.record("expected a refusal")
      return
    }
    #expect(undelegated.contains("cgroup.controllers is \"cpu pids\""))
  }

  @Test func canCreateChildNamesAMissingDirectory() {
    let hierarchy = CgroupHierarchy(version: .v1, mountPoint: "/nonexistent", ownDirectory: "/nonexistent/oomlab")
    #expect(
      CgroupLocator.canCreateChild(in: hierarchy)
        == .denied(reason: "cannot create a cgroup under /nonexistent/oomlab: No such file or directory (ENOENT)"))
  }

  @Test func aMissingProcFileIsAnError() {
    let locator = CgroupLocator(mountInfoPath: "/nonexistent/mountinfo", procCgroupPath: "/nonexistent/cgroup")
    #expect(throws: SystemError.self) { try locator.locate() }
    guard case .denied(let reason) = locator.canCreateChild() else {
      Issue.record("expected a refusal")
      return
    }
    #expect(reason.contains("/nonexistent/mountinfo"))
  }
}
