import COomlabShim
import Glibc

/// The pipe Node processes of a run report over, and the latest and the fullest-heap report of each.
///
/// Both ends are non-blocking: the supervisor drains what arrived at each tick without waiting, and a
/// Node process whose report does not fit drops it instead of stalling its event loop.
final class NodeReportChannel {
  /// The end the supervisor reads.
  let readEnd: Int32
  /// The end every process of the tree inherits, under its own number.
  private(set) var writeEnd: Int32
  /// The pipe's inode, which the preload checks before it writes.
  let inode: UInt64
  /// The latest report of each process, by pid.
  private(set) var latest: [Int32: NodeReport] = [:]
  /// The report with the most heap used of each process, by pid: rows show only the latest report at
  /// each tick, and near its limit V8 can report several times between two ticks of a loaded supervisor.
  private(set) var fullest: [Int32: NodeReport] = [:]
  private var pending: [UInt8] = []
  private var buffer = [UInt8](repeating: 0, count: 65536)

  /// Creates the pipe, close-on-exec: the launcher gives the write end to the command under its own number.
  init() throws {
    var ends: [Int32] = [-1, -1]
    guard oomlab_pipe(&ends, O_NONBLOCK | O_CLOEXEC) == 0 else { throw SystemError.call("pipe2", errno) }
    readEnd = ends[0]
    writeEnd = ends[1]
    var info = stat()
    guard fstat(readEnd, &info) == 0 else {
      let code = errno
      close(ends[0])
      close(ends[1])
      throw SystemError.call("fstat", code)
    }
    inode = UInt64(info.st_ino)
  }

  deinit {
    close(readEnd)
    closeWriteEnd()
  }

  /// Closes the supervisor's copy of the write end once the command has its own.
  func closeWriteEnd() {
    if writeEnd >= 0 { close(writeEnd) }
    writeEnd = -1
  }

  /// Reads every whole report that arrived since the last call.
  func drain() {
    while true {
      let n = buffer.withUnsafeMutableBytes { read(readEnd, $0.baseAddress, $0.count) }
      if n > 0 {
        pending.append(contentsOf: buffer[0..<n])
        continue
      }
      if n < 0 && errno == EINTR { continue }
      break  // EAGAIN: nothing more now; 0: every writer has gone.
    }
    guard let lastNewline = pending.lastIndex(of: 0x0A) else { return }
    let text = String(decoding: pending[...lastNewline], as: UTF8.self)
    pending.removeSubrange(...lastNewline)
    for line in text.split(separator: "\n") {
      guard let report = NodeReport.parse(line) else { continue }
      if report.heapUsed > fullest[report.pid]?.heapUsed ?? 0 { fullest[report.pid] = report }
      if let known = latest[report.pid], known.time > report.time { continue }
      latest[report.pid] = report
    }
  }
}
