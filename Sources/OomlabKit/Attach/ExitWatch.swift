import COomlabShim
import Foundation
import Glibc

/// Wakes the supervisor the moment a process that is not its child exits.
///
/// waitpid(2) works only on children; a pidfd becomes readable when its process exits. A thread
/// blocks in poll(2) on it and then sends the supervisor a SIGCHLD, which its `sigtimedwait`
/// already waits for between ticks, so the end is seen at once and not one interval late, and
/// the zombie's exit status can often still be read before the parent reaps it.
final class ExitWatch: @unchecked Sendable {
  private let pidfd: Int32
  private let wake: [Int32]
  private let done = DispatchSemaphore(value: 0)
  private var started = false

  init(pidfd: Int32) throws {
    var ends: [Int32] = [-1, -1]
    guard oomlab_pipe(&ends, O_CLOEXEC) == 0 else { throw SystemError.call("pipe2", errno) }
    self.pidfd = pidfd
    wake = ends
  }

  deinit {
    close(wake[0])
    close(wake[1])
  }

  /// Starts watching.
  func start() {
    started = true
    let thread = Thread { [self] in
      var entries = [pollfd(fd: pidfd, events: Int16(POLLIN), revents: 0), pollfd(fd: wake[0], events: Int16(POLLIN), revents: 0)]
      while poll(&entries, 2, -1) < 0 && errno == EINTR {}
      if entries[0].revents != 0 { kill(getpid(), SIGCHLD) }
      done.signal()
    }
    thread.name = "oomlab exit watch"
    thread.start()
  }

  /// Stops watching and waits for the thread to end.
  func stop() {
    guard started else { return }
    started = false
    var byte: UInt8 = 1
    _ = write(wake[1], &byte, 1)
    done.wait()
  }
}
