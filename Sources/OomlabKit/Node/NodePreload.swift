import Foundation
import Glibc

/// The script oomlab preloads into Node processes (`NODE_OPTIONS=--require`), kept in a private file for one run.
///
/// It reports `process.memoryUsage()` and V8's heap limit every interval over a pipe the process
/// inherited, from an unref'd timer so that it never keeps a program alive, and it writes nothing
/// when the pipe is full rather than block the event loop. It speaks only from the main thread
/// (worker threads load preloads too) and only to the pipe whose inode oomlab names: a Node process
/// started by another through child_process does not inherit the descriptor, and the same number
/// may then be one of its own files.
final class NodePreload {
  /// The variable naming the descriptor to report on.
  static let descriptorVariable = "OOMLAB_NODE_REPORT_FD"
  /// The variable naming the inode of the pipe behind it.
  static let inodeVariable = "OOMLAB_NODE_REPORT_INODE"
  /// The variable holding the interval in milliseconds.
  static let intervalVariable = "OOMLAB_NODE_INTERVAL_MS"

  static let source = """
    // oomlab: reports this process's own memory figures to the oomlab supervisor that started it.
    'use strict';
    (() => {
      const fd = Number(process.env.\(descriptorVariable));
      const inode = process.env.\(inodeVariable);
      const interval = Number(process.env.\(intervalVariable));
      if (!Number.isInteger(fd) || fd < 3 || !(interval > 0)) return;
      let fs, v8, threads;
      try {
        fs = require('fs');
        v8 = require('v8');
        threads = require('worker_threads');
      } catch {
        return;
      }
      if (!threads.isMainThread) return;
      try {
        const stat = fs.fstatSync(fd, { bigint: true });
        if (!stat.isFIFO() || String(stat.ino) !== inode) return;
      } catch {
        return;
      }
      const report = () => {
        try {
          const m = process.memoryUsage();
          const limit = v8.getHeapStatistics().heap_size_limit;
          fs.writeSync(fd, `\(NodeReport.prefix)${process.pid} ${process.hrtime.bigint()} ` +
            `${m.heapUsed} ${m.heapTotal} ${m.external} ${m.arrayBuffers} ${m.rss} ${limit}\\n`);
        } catch {
          // A full pipe (EAGAIN) loses this report instead of blocking the program.
        }
      };
      report();
      setInterval(report, interval).unref();
    })();

    """

  /// Where the script was written.
  let path: String

  /// Writes the script to a new file only the current user can read, in `directory`.
  init(directory: String) throws {
    for _ in 0..<100 {
      let suffix = String(UInt64.random(in: .min ... .max), radix: 16)
      // .cjs: loaded as CommonJS whatever the nearest package.json says about modules.
      let candidate = directory + "/oomlab-node-" + suffix + ".cjs"
      let fd = open(candidate, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0o600)
      if fd < 0 {
        if errno == EEXIST || errno == EINTR { continue }
        throw SystemError.file("create the Node preload in", directory, errno)
      }
      path = candidate
      defer { close(fd) }
      if let code = FileIO.writeAll(fd, Array(Self.source.utf8)).errno {
        unlink(candidate)
        throw SystemError.file("write", candidate, code)
      }
      return
    }
    throw SystemError.file("create the Node preload in", directory, EEXIST)
  }

  deinit { unlink(path) }

  /// The folder for the script: `TMPDIR`, else /tmp.
  static func directory(environment: [String: String]) -> String {
    guard let folder = environment["TMPDIR"], !folder.isEmpty else { return "/tmp" }
    return folder.hasSuffix("/") && folder.count > 1 ? String(folder.dropLast()) : folder
  }

  /// `NODE_OPTIONS` with a `--require` of the script after whatever options were already there.
  func nodeOptions(appendingTo existing: String?) -> String {
    // Node reads NODE_OPTIONS split at spaces, with double quotes and backslash escapes inside them.
    let quoted = "\"" + path.replacingOccurrences(of: "\\", with: "\\\\").replacingOccurrences(of: "\"", with: "\\\"") + "\""
    let option = "--require " + quoted
    guard let existing, !existing.trimmingSpaces().isEmpty else { return option }
    return existing + " " + option
  }
}
