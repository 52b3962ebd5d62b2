import COomlabShim
import Glibc

/// One process of a recorded tree: its probes, what was seen of it, and how it ended.
final class TreeMember {
  /// Why oomlab itself signalled a process of the tree.
  enum Stop: Equatable {
    /// It still ran when the command ended: the tree is owned by the run.
    case outlivedCommand
    /// The tree's RSS reached a simulated limit and this was its largest process.
    case simulatedLimit
    /// The run's --timeout elapsed.
    case timeout
    /// It had not ended `ExecOptions.grace` after an interrupt was passed on.
    case interrupt
    /// The allocator asked for was not the one in the program.
    case allocatorMissing
  }

  let pid: Int32
  let probe: ProcessProbe
  let children: ChildrenReader
  /// Refers to this process and no other: signals through it cannot reach a process that reuses the pid.
  private let pidfd: Int32
  /// The parent at the last sample.
  var parentPid: Int32
  /// When it was first seen, in seconds since the start.
  let firstSeen: Double
  var peaks = Peaks()
  /// The latest sample in which it was alive.
  var lastSample: Sample?
  /// Its thread count at the last sample, for reading its children.
  var threads: UInt64 = 1
  /// When it was found gone or reaped, in seconds since the start.
  var endedAt: Double?
  /// Its wait status, when known: reaped by oomlab, or read from /proc while it was a zombie.
  var waitStatus: Int32?
  /// Why oomlab signalled it, if it did.
  var stoppedBy: Stop?

  /// Opens the probes of `pid` and checks that the process found is the one listed: a child of
  /// `parent` (when given) that is still alive, so a pid reused in between is never recorded.
  init(pid: Int32, parent: Int32?, at seconds: Double, rollupInterval: UInt64, checkAlive: Bool = true) throws {
    self.pid = pid
    pidfd = oomlab_pidfd_open(pid)
    guard pidfd >= 0 else { throw SystemError.call("pidfd_open(\(pid))", errno) }
    do {
      probe = try ProcessProbe(pid: pid, rollupInterval: rollupInterval)
    } catch {
      close(pidfd)
      throw error
    }
    guard let head = probe.stat.withContents({ ProcStatHead.scan($0) }) ?? nil,
      parent == nil || head.parentPid == parent, !checkAlive || !Self.hasExited(pidfd)
    else {
      close(pidfd)
      throw SystemError.call("pid \(pid) is no longer the process listed", ESRCH)
    }
    parentPid = head.parentPid
    firstSeen = seconds
    children = ChildrenReader(pid: pid)
  }

  deinit { close(pidfd) }

  var isRunning: Bool { endedAt == nil }

  /// The command name at the last read.
  var name: String { probe.command }

  /// Sends `signal` to this process if it still runs; returns whether it was sent.
  @discardableResult
  func send(_ signal: Int32) -> Bool { oomlab_pidfd_send_signal(pidfd, signal) == 0 }

  /// Whether the process has ended, asked of its pidfd without waiting.
  var hasExited: Bool { Self.hasExited(pidfd) }

  static func hasExited(_ pidfd: Int32) -> Bool {
    var entry = pollfd(fd: pidfd, events: Int16(POLLIN), revents: 0)
    return poll(&entry, 1, 0) == 1
  }

  /// The signal that ended it, when known.
  var terminatingSignal: Int32? {
    WaitStatus.signal(waitStatus)
  }

  /// Its exit code, when it exited and that is known.
  var exitCode: Int32? {
    WaitStatus.exitCode(waitStatus)
  }
}
