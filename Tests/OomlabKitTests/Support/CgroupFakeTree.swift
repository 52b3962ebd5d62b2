import Foundation
import Glibc

@testable import OomlabKit

/// A temporary directory of ordinary files standing in for a cgroup file system.
///
/// Control files are created empty or with the kernel's text, so what the code writes (one write at
/// offset 0, no truncation, as on cgroupfs) can be read back exactly from an empty file.
final class CgroupFakeTree {
  /// The temporary directory; every relative path below is inside it.
  let base: String

  init() throws {
    var template = Array((NSTemporaryDirectory() + "/oomlab-cgroup-test-XXXXXX").utf8CString)
    guard let made = mkdtemp(&template) else { throw SystemError.call("mkdtemp", errno) }
    base = String(cString: made)
  }

  deinit { try? FileManager.default.removeItem(atPath: base) }

  /// The absolute path of `relative`.
  func path(_ relative: String) -> String { relative.isEmpty ? base : base + "/" + relative }

  /// Creates the directory `relative` and its parents.
  @discardableResult
  func directory(_ relative: String) -> String {
    try? FileManager.default.createDirectory(atPath: path(relative), withIntermediateDirectories: true)
    return path(relative)
  }

  /// Creates or replaces the file `relative` with `contents`, creating its parents.
  func file(_ relative: String, _ contents: String = "") {
    let full = path(relative)
    try? FileManager.default.createDirectory(
      atPath: (full as NSString).deletingLastPathComponent, withIntermediateDirectories: true)
    _ = FileManager.default.createFile(atPath: full, contents: Data(contents.utf8))
  }

  /// The text of the file `relative`, or nil when it does not exist.
  func read(_ relative: String) -> String? {
    try? String(contentsOfFile: path(relative), encoding: .utf8)
  }

  /// Whether `relative` exists.
  func exists(_ relative: String) -> Bool { FileManager.default.fileExists(atPath: path(relative)) }

  /// The files a v2 memory cgroup has, with the given figures.
  func v2MemoryFiles(_ relative: String, current: String = "0\n", max: String = "max\n") {
    file(relative + "/cgroup.procs")
    file(relative + "/cgroup.type", "domain\n")
    file(relative + "/cgroup.controllers")
    file(relative + "/cgroup.subtree_control")
    file(relative + "/memory.current", current)
    file(relative + "/memory.max", max)
    file(relative + "/memory.stat", "anon 0\nfile 0\nkernel_stack 0\npagetables 0\nslab 0\n")
    file(relative + "/memory.events", "low 0\nhigh 0\nmax 0\noom 0\noom_kill 0\noom_group_kill 0\n")
    file(relative + "/memory.pressure", "some avg10=0.00 avg60=0.00 avg300=0.00 total=0\nfull avg10=0.00 avg60=0.00 avg300=0.00 total=0\n")
  }

  /// The files a v1 memory cgroup has, with the given figures.
  func v1MemoryFiles(_ relative: String, usage: String = "0\n", limit: String = "9223372036854771712\n") {
    file(relative + "/cgroup.procs")
    file(relative + "/tasks")
    file(relative + "/memory.usage_in_bytes", usage)
    file(relative + "/memory.limit_in_bytes", limit)
    file(relative + "/memory.max_usage_in_bytes", "0\n")
    file(relative + "/memory.stat", "cache 0\nrss 0\n")
    file(relative + "/memory.oom_control", "oom_kill_disable 0\nunder_oom 0\noom_kill 0\n")
  }
}

/// Records what a `CgroupRemover` did instead of killing and removing for real.
final class RemovalLog: @unchecked Sendable {
  private let lock = NSLock()
  private var _signals: [(pid: Int32, signal: Int32)] = []
  private var _rmdirs: [String] = []
  /// Errnos to return from the next rmdir calls, in order, before removing for real.
  private var failures: [Int32]

  init(failures: [Int32] = []) { self.failures = failures }

  var signals: [(pid: Int32, signal: Int32)] { lock.withLock { _signals } }
  var rmdirs: [String] { lock.withLock { _rmdirs } }

  /// A remover that logs signals and removes fake directories with their files.
  var remover: CgroupRemover {
    CgroupRemover(
      signal: { pid, signal in
        self.lock.withLock { self._signals.append((pid, signal)) }
        return 0
      },
      removeDirectory: { path in
        let failure: Int32? = self.lock.withLock {
          self._rmdirs.append(path)
          return self.failures.isEmpty ? nil : self.failures.removeFirst()
        }
        if let failure { return failure }
        guard FileManager.default.fileExists(atPath: path) else { return ENOENT }
        return (try? FileManager.default.removeItem(atPath: path)) != nil ? 0 : EIO
      },
      pause: { _ in }, settleTimeout: 0, attempts: 5)
  }
}
