import Glibc

/// Reads a process's children from the `children` file of each of its threads, through descriptors kept open.
///
/// The kernel lists a child under the thread that forked it, so every thread's file is read; the
/// thread list is read again only when the thread count changes or a thread's file fails, since
/// listing /proc/PID/task costs more than the reads themselves. Needs CONFIG_PROC_CHILDREN.
final class ChildrenReader {
  let pid: Int32
  private var files: [ProcFile] = []
  private var threads: UInt64 = 0

  init(pid: Int32) { self.pid = pid }

  /// Appends the pids of the process's children to `children`; `threads` is its thread count this tick.
  func read(threads count: UInt64, into children: inout [Int32]) {
    if count != threads || files.isEmpty { reopen(count) }
    var failed = false
    for file in files {
      if file.withContents({ ProcChildren.parse($0, into: &children) }) == nil { failed = true }
    }
    // A thread has ended: list them again next time (its children, if any, moved to another thread).
    if failed { threads = 0 }
  }

  private func reopen(_ count: UInt64) {
    threads = count
    let task = "/proc/\(pid)/task"
    // One thread is the usual case, and then the thread is the process itself: no listing needed.
    let tids: [Int32] = count == 1 ? [pid] : Self.threadIDs(task)
    files = tids.compactMap { try? ProcFile("\(task)/\($0)/children", capacity: 256) }
  }

  /// The thread ids under /proc/PID/task.
  static func threadIDs(_ task: String) -> [Int32] {
    guard let directory = opendir(task) else { return [] }
    defer { closedir(directory) }
    var tids: [Int32] = []
    while let entry = readdir(directory) {
      let name = withUnsafePointer(to: &entry.pointee.d_name) {
        $0.withMemoryRebound(to: CChar.self, capacity: 256) { String(cString: $0) }
      }
      if let tid = Int32(name) { tids.append(tid) }
    }
    return tids
  }
}
