import Glibc
import Testing

@testable import OomlabKit
import OomlabTestSupport

/// The flock that marks a cgroup as in use, and creation that takes it before anyone can see the cgroup unlocked.
struct CgroupLockTests {
  func isHeld(_ path: String) -> Bool {
    if case .held = CgroupLock.attempt(path) { return true }
    return false
  }

  @Test func aLockExcludesEveryOtherDescriptorUntilReleased() throws {
    let tree = try CgroupFakeTree()
    let path = tree.directory("cgroup")
    guard case .locked(let lock) = CgroupLock.attempt(path) else {
      Issue.record("cannot lock \(path)")
      return
    }
    // The same process opening the directory again is excluded too: flock belongs to the open file description.
    #expect(isHeld(path))
    lock.release()
    guard case .locked(let again) = CgroupLock.attempt(path) else {
      Issue.record("the lock was not released")
      return
    }
    again.release()
  }

  @Test func aMissingDirectoryIsGone() throws {
    let tree = try CgroupFakeTree()
    guard case .gone = CgroupLock.attempt(tree.path("absent")) else {
      Issue.record("a missing directory was not reported gone")
      return
    }
  }

  @Test func aCreatedCgroupIsLockedUntilRemoved() throws {
    let tree = try CgroupFakeTree()
    let parent = tree.directory("parent")
    let cgroup = try MemoryCgroup.create(version: .v1, under: parent, supervisorPid: 77)
    #expect(cgroup.directory == parent + "/oomlab-77-0")
    #expect(isHeld(cgroup.directory))
    #expect(StaleCgroups.clean(parent: parent) == StaleCgroups.Cleanup())
    #expect(FileIO.exists(cgroup.directory))
    try cgroup.remove()
    #expect(!FileIO.exists(cgroup.directory))
  }

  @Test func creationTakesTheNextNameWhenACleanupRemovedTheNewCgroup() throws {
    let tree = try CgroupFakeTree()
    let parent = tree.directory("parent")
    var interfered = 0
    let child = try CgroupDirectory.makeChild(under: parent, supervisorPid: 77) { path in
      // A cleanup in another run finds the new directory empty and unlocked, and removes it.
      if interfered == 0 { rmdir(path) }
      interfered += 1
    }
    defer { child.lock.release() }
    #expect(child.path == parent + "/oomlab-77-1")
    #expect(!tree.exists("parent/oomlab-77-0"))
    #expect(isHeld(child.path))
  }

  @Test func creationTakesTheNextNameWhenACleanupHoldsTheNewCgroup() throws {
    let tree = try CgroupFakeTree()
    let parent = tree.directory("parent")
    var cleaner: CgroupLock?
    let child = try CgroupDirectory.makeChild(under: parent, supervisorPid: 77) { path in
      if cleaner == nil, case .locked(let lock) = CgroupLock.attempt(path) { cleaner = lock }
    }
    defer {
      child.lock.release()
      cleaner?.release()
    }
    #expect(cleaner != nil)
    #expect(child.path == parent + "/oomlab-77-1")
    #expect(isHeld(child.path))
  }
}
