import COomlabShim
import Glibc

/// A running process that `oomlab attach` records, held by a pidfd from the moment it is named.
package final class AttachTarget {
  package let pid: Int32
  /// Refers to this process and no other, even once its pid is reused.
  let pidfd: Int32
  /// Its command name (`comm`).
  package let name: String
  /// Its command line, from /proc/PID/cmdline.
  package let commandLine: [String]
  /// The program it runs, from /proc/PID/exe, when readable.
  package let executable: String

  /// Takes hold of `pid`, refusing (status 2) a pid that names no process, a thread, a kernel thread or oomlab itself.
  package init(_ pid: Int32) throws {
    guard pid > 0 else { throw RunRefusal(status: .badInput, description: "attach: a pid is a positive number, got \(pid)") }
    guard pid != getpid() else { throw RunRefusal(status: .badInput, description: "attach: pid \(pid) is this oomlab itself") }
    let fd = oomlab_pidfd_open(pid)
    guard fd >= 0 else {
      switch errno {
      case ESRCH: throw RunRefusal(status: .badInput, description: "attach: no process with pid \(pid) is running")
      case EINVAL:
        throw RunRefusal(
          status: .badInput,
          description: "attach: pid \(pid) is a thread, not a process; attach to its process (Tgid in /proc/\(pid)/status)")
      case let code:
        throw RunRefusal(
          status: .environment, description: "attach: pidfd_open(\(pid)) failed: \(ErrnoName.explain(code))")
      }
    }
    self.pid = pid
    pidfd = fd
    let stat = try? FileIO.read("/proc/\(pid)/stat")
    let cmdline = (try? FileIO.read("/proc/\(pid)/cmdline")) ?? ""
    name = stat.flatMap { ProcStatHead.parse($0)?.command } ?? "pid\(pid)"
    commandLine = cmdline.split(separator: "\0", omittingEmptySubsequences: false).map(String.init).filter { !$0.isEmpty }
    var buffer = [CChar](repeating: 0, count: 4096)
    let n = readlink("/proc/\(pid)/exe", &buffer, buffer.count - 1)
    executable = n > 0 ? String(decoding: buffer[0..<n].map { UInt8(bitPattern: $0) }, as: UTF8.self) : "/proc/\(pid)/exe"
    // A kernel thread has a pid and a pidfd like a process, but no user memory to record, and no end.
    if let stat, Array(stat.utf8).withUnsafeBytes({ ProcStatHead.isKernelThread($0) }) == true {
      close(fd)
      throw RunRefusal(status: .badInput, description: "attach: pid \(pid) is a kernel thread: it has no user memory")
    }
    guard !TreeMember.hasExited(fd) else {
      close(fd)
      throw RunRefusal(status: .badInput, description: "attach: pid \(pid) (\(name)) has already exited")
    }
  }

  deinit { close(pidfd) }
}
