import Glibc

/// Reads the kernel log (/dev/kmsg) from the start of a run on, to find the kernel's `Killed process` lines.
package final class KernelLog {
  /// The file read, /dev/kmsg unless a test points elsewhere.
  package let path: String
  private let descriptor: Int32
  private var buffer: UnsafeMutableRawBufferPointer
  /// Bytes of a line not yet complete, which only a regular file (a test's) can leave.
  private var pending: [UInt8] = []
  /// `oom-kill:` lines by victim pid, until their `Killed process` line arrives.
  private var contexts: [Int32: KernelOomContext] = [:]
  /// Every `Killed process` report read so far, oldest first.
  package private(set) var reports: [KernelOomReport] = []

  /// Whether this process's pid namespace is the kernel's initial one, whose pids the log's lines give.
  ///
  /// The initial namespace has the fixed inode PROC_PID_INIT_INO (0xEFFFFFFC) for /proc/self/ns/pid; in
  /// any other (a container's) a `Killed process` pid names some other process, or none, here.
  package static let pidsAreOurs: Bool = {
    var info = stat()
    guard stat("/proc/self/ns/pid", &info) == 0 else { return true }
    return info.st_ino == 0xEFFF_FFFC
  }()

  /// Opens the log and skips what is already in it; nil when it cannot be read (no root, dmesg_restrict,
  /// a container without /dev/kmsg), which callers report as "no kernel line available".
  package init?(path: String = "/dev/kmsg") {
    let fd = open(path, O_RDONLY | O_NONBLOCK | O_CLOEXEC)
    guard fd >= 0 else { return nil }
    // Only this run's records matter: older ones may name a pid the kernel has since reused.
    guard lseek(fd, 0, SEEK_END) >= 0 else {
      close(fd)
      return nil
    }
    self.path = path
    descriptor = fd
    // /dev/kmsg returns one record per read and fails with EINVAL if it does not fit; records are < 8 KiB.
    buffer = .allocate(byteCount: 16384, alignment: 8)
  }

  deinit {
    close(descriptor)
    buffer.deallocate()
  }

  /// Reads every record logged since the last call (or since opening) and keeps the OOM reports among them.
  @discardableResult
  package func drain() -> [KernelLogRecord] {
    var records: [KernelLogRecord] = []
    var overwritten = 0
    while true {
      let n = Glibc.read(descriptor, buffer.baseAddress, buffer.count)
      if n > 0 {
        absorb(UnsafeRawBufferPointer(rebasing: buffer[0..<n]), into: &records)
        continue
      }
      if n == 0 { break }
      let code = errno
      if code == EINTR { continue }
      // EPIPE: the ring buffer overwrote records before they were read; the next read resumes at the
      // oldest record still there. Bounded so a kernel flooding the log cannot keep us here.
      if code == EPIPE && overwritten < 1000 {
        overwritten += 1
        continue
      }
      break  // EAGAIN: nothing more for now.
    }
    return records
  }

  /// The kernel's `Killed process` report for `pid`, reading any new records first; nil when none was logged.
  package func oomReport(for pid: Int32) -> KernelOomReport? {
    drain()
    return reports.last { $0.pid == pid }
  }

  /// Like `oomReport(for:)`, but polls for up to `nanoseconds`, since the kernel prints the line just
  /// after sending SIGKILL and a supervisor can reap the victim first.
  package func oomReport(for pid: Int32, waitingUpTo nanoseconds: UInt64) -> KernelOomReport? {
    let deadline = Clock.now() &+ nanoseconds
    while true {
      if let report = oomReport(for: pid) { return report }
      if Clock.now() >= deadline { return nil }
      Clock.sleep(nanoseconds: 10_000_000)
    }
  }

  private func absorb(_ bytes: UnsafeRawBufferPointer, into records: inout [KernelLogRecord]) {
    pending.append(contentsOf: bytes)
    guard let lastNewline = pending.lastIndex(of: 0x0A) else { return }
    let text = String(decoding: pending[...lastNewline], as: UTF8.self)
    pending.removeSubrange(...lastNewline)
    for line in text.split(separator: "\n") where line.first != " " {
      guard let record = KernelLogRecord.parse(line) else { continue }
      records.append(record)
      if let context = KernelOomContext.parse(record.message) {
        contexts[context.pid] = context
      } else if var report = KernelOomReport.parse(record.message) {
        report.timestampMicroseconds = record.timestampMicroseconds
        let context = contexts.removeValue(forKey: report.pid)
        report.memoryCgroup = context?.memoryCgroup
        report.taskCgroup = context?.taskCgroup
        reports.append(report)
      }
    }
  }
}
