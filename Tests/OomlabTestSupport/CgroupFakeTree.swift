import Foundation
import Glibc

import OomlabKit

/// A temporary directory of ordinary files standing in for a cgroup file system.
///
/// Control files are created empty or with the kernel's text, so what the code writes (one write at
/// offset 0, no truncation, as on cgroupfs) can be read back exactly from an empty file.
package final class CgroupFakeTree {
  /// The temporary directory; every relative path below is inside it.
  package let base: String

  package init() throws {
    var template = Array((NSTemporaryDirectory() + "/oomlab-cgroup-test-XXXXXX").utf8CString)
    guard let made = mkdtemp(&template) else { throw SystemError.call("mkdtemp", errno) }
    base = String(cString: made)
  }

  deinit { try? FileManager.default.removeItem(atPath: base) }

  /// The absolute path of `relative`.
  package func path(_ relative: String) -> String { relative.isEmpty ? base : base + "/" + relative }

  /// Creates the directory `relative` and its parents.
  @discardableResult
  package func directory(_ relative: String) -> String {
    try? FileManager.default.createDirectory(atPath: path(relative), withIntermediateDirectories: true)
    return path(relative)
  }

  /// Creates or replaces the file `relative` with `contents`, creating its parents.
  package func file(_ relative: String, _ contents: String = "") {
    let full = path(relative)
    try? FileManager.default.createDirectory(
      atPath: (full as NSString).deletingLastPathComponent, withIntermediateDirectories: true)
    _ = FileManager.default.createFile(atPath: full, contents: Data(contents.utf8))
  }

  /// The text of the file `relative`, or nil when it does not exist.
  package func read(_ relative: String) -> String? {
    try? String(contentsOfFile: path(relative), encoding: .utf8)
  }

  /// Whether `relative` exists.
  package func exists(_ relative: String) -> Bool { FileManager.default.fileExists(atPath: path(relative)) }

  /// The files a v2 memory cgroup has, with the given figures.
  package func v2MemoryFiles(_ relative: String, current: String = "0\n", max: String = "max\n") {
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
  package func v1MemoryFiles(_ relative: String, usage: String = "0\n", limit: String = "9223372036854771712\n") {
    file(relative + "/cgroup.procs")
    file(relative + "/tasks")
    file(relative + "/memory.usage_in_bytes", usage)
    file(relative + "/memory.limit_in_bytes", limit)
    file(relative + "/memory.max_usage_in_bytes", "0\n")
    file(relative + "/memory.stat", "cache 0\nrss 0\n")
    file(relative + "/memory.oom_control", "oom_kill_disable 0\nunder_oom 0\noom_kill 0\n")
  }
}
