import COomlabShim
import Foundation
import Glibc

/// Passes a command's standard error on to oomlab's own, byte for byte, while watching it for Node's
/// fatal heap message.
///
/// A thread of its own copies the pipe as soon as anything arrives, so the command never waits on a
/// full pipe while the supervisor sleeps between samples, and the message is read from what the user
/// sees anyway rather than guessed from an exit status.
final class StderrTee: @unchecked Sendable {
  /// The end the command writes to as its descriptor 2.
  private(set) var writeEnd: Int32
  private let readEnd: Int32
  private let destination: Int32
  private let lock = NSLock()
  private var fatalErrors: [NodeFatalError] = []
  private var tracedPid: Int32?
  private var partial: [UInt8] = []
  private let finished = DispatchSemaphore(value: 0)
  private var started = false

  /// Creates the pipe (close-on-exec: the launcher gives the write end to the command as descriptor 2).
  init(destination: Int32 = STDERR_FILENO) throws {
    var ends: [Int32] = [-1, -1]
    guard oomlab_pipe(&ends, O_CLOEXEC) == 0 else { throw SystemError.call("pipe2", errno) }
    readEnd = ends[0]
    writeEnd = ends[1]
    self.destination = destination
  }

  // Once started, the copying thread keeps the tee alive until it ends, and closes the read end itself.
  deinit {
    closeWriteEnd()
    if !started { close(readEnd) }
  }

  /// Closes the supervisor's copy of the write end, so the copy ends when the command's tree is gone.
  func closeWriteEnd() {
    if writeEnd >= 0 { close(writeEnd) }
    writeEnd = -1
  }

  /// Starts copying.
  func start() {
    started = true
    let thread = Thread { [self] in
      copy()
      finished.signal()
    }
    thread.name = "oomlab stderr"
    thread.start()
  }

  private func copy() {
    var buffer = [UInt8](repeating: 0, count: 65536)
    var destinationOpen = true
    while true {
      let n = buffer.withUnsafeMutableBytes { bytes in SystemCall.retrying { read(readEnd, bytes.baseAddress, bytes.count) } }
      guard n > 0 else { break }
      // If oomlab's own stderr is gone the command's is still drained, so that it never blocks on it.
      if destinationOpen && FileIO.writeAll(destination, Array(buffer[0..<n])).errno != nil { destinationOpen = false }
      watch(buffer[0..<n])
    }
    close(readEnd)
  }

  private func watch(_ bytes: ArraySlice<UInt8>) {
    partial.append(contentsOf: bytes)
    guard let lastNewline = partial.lastIndex(of: 0x0A) else {
      // A line longer than this is no message of V8's: keep only its tail.
      if partial.count > 65536 { partial.removeFirst(partial.count - 4096) }
      return
    }
    let text = String(decoding: partial[...lastNewline], as: UTF8.self)
    partial.removeSubrange(...lastNewline)
    for line in text.split(separator: "\n") {
      if let pid = NodeFatalError.tracedPid(line) { tracedPid = pid }
      guard NodeFatalError.isFatal(line) else { continue }
      let error = NodeFatalError(message: String(line), pid: tracedPid, time: Clock.now())
      tracedPid = nil
      lock.lock()
      fatalErrors.append(error)
      lock.unlock()
    }
  }

  /// The fatal heap messages seen so far.
  var seen: [NodeFatalError] {
    lock.lock()
    defer { lock.unlock() }
    return fatalErrors
  }

  /// Waits up to `nanoseconds` for every writer to have gone and the copy to end; returns what it saw.
  func finish(waitingUpTo nanoseconds: UInt64) -> [NodeFatalError] {
    closeWriteEnd()
    if started { _ = finished.wait(timeout: .now() + .nanoseconds(Int(min(nanoseconds, UInt64(Int.max))))) }
    return seen
  }
}
