import Glibc
import Synchronization

/// An exclusive flock(2) on a cgroup directory, held by the run that owns the cgroup for as long as it uses it.
///
/// The lock is what tells a live run's cgroup from an abandoned one: the kernel drops it when the holder
/// closes it or dies, even by SIGKILL, and it does not depend on pids, which a supervisor in another pid
/// namespace (a container, `unshare -p`) does not share with us. flock rather than fcntl locks, because a
/// flock belongs to the open file description: two runs in one process still exclude each other, and
/// closing some other descriptor of the directory does not drop it. It works on any directory, so on
/// cgroupfs v1 and v2 (kernfs) alike, and on the ordinary directories of test trees.
final class CgroupLock: Sendable {
  /// What an attempt to lock a directory found.
  enum Attempt {
    /// The lock is ours until `release` or deinit.
    case locked(CgroupLock)
    /// Another open descriptor holds it: a live run owns the directory (or is cleaning it up).
    case held
    /// The directory no longer exists at the path, or the path now names another directory than the one locked.
    case gone
    /// Opening or locking failed for another reason, with this errno.
    case failed(Int32)
  }

  /// The locked directory's descriptor, -1 once released; atomic so a release from any thread closes it once.
  private let descriptor: Atomic<Int32>

  private init(descriptor: Int32) {
    self.descriptor = Atomic(descriptor)
  }

  /// Tries once, without waiting, to lock the directory `path`.
  static func attempt(_ path: String) -> Attempt {
    // O_CLOEXEC: a worker spawned meanwhile must not inherit the lock and keep it past its supervisor.
    let fd = open(path, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC)
    guard fd >= 0 else {
      let code = errno
      return code == ENOENT ? .gone : .failed(code)
    }
    let result = SystemCall.retrying { flock(fd, LOCK_EX | LOCK_NB) }
    if result != 0 {
      let code = errno
      close(fd)
      return code == EWOULDBLOCK ? .held : .failed(code)
    }
    // The lock is on the directory that was opened; if it was removed and the name made again between
    // open and flock, the lock says nothing about what the path names now.
    var opened = stat()
    var current = stat()
    guard fstat(fd, &opened) == 0 else {
      let code = errno
      close(fd)
      return .failed(code)
    }
    guard stat(path, &current) == 0, opened.st_dev == current.st_dev, opened.st_ino == current.st_ino else {
      close(fd)
      return .gone
    }
    return .locked(CgroupLock(descriptor: fd))
  }

  /// Drops the lock by closing the descriptor; later calls do nothing.
  func release() {
    let fd = descriptor.exchange(-1, ordering: .acquiringAndReleasing)
    if fd >= 0 { close(fd) }
  }

  deinit { release() }
}
