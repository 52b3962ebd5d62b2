import Glibc

/// Small whole-file helpers over raw descriptors, for /proc and cgroup files.
package enum FileIO {
  /// Reads a whole (small) file as text.
  package static func read(_ path: String) throws -> String {
    let fd = open(path, O_RDONLY | O_CLOEXEC)
    guard fd >= 0 else { throw SystemError.file("open", path, errno) }
    defer { close(fd) }
    return String(decoding: try readAll(fd, label: path), as: UTF8.self)
  }

  /// Reads `fd` to its end, retrying interrupted reads.
  package static func readAll(_ fd: Int32, label: String) throws -> [UInt8] {
    var bytes: [UInt8] = []
    var chunk = [UInt8](repeating: 0, count: 65536)
    while true {
      let n = chunk.withUnsafeMutableBytes { buffer in SystemCall.retrying { Glibc.read(fd, buffer.baseAddress!, buffer.count) } }
      if n < 0 { throw SystemError.file("read", label, errno) }
      if n == 0 { return bytes }
      bytes.append(contentsOf: chunk[0..<n])
    }
  }

  /// Writes all of `bytes` to `descriptor`, retrying interrupted and short writes; returns how many
  /// bytes were written and, when it stopped short, the errno of the write that failed.
  package static func writeAll(_ descriptor: Int32, _ bytes: [UInt8]) -> (written: Int, errno: Int32?) {
    var offset = 0
    while offset < bytes.count {
      let n = bytes.withUnsafeBytes { buffer in
        SystemCall.retrying { Glibc.write(descriptor, buffer.baseAddress! + offset, buffer.count - offset) }
      }
      if n < 0 { return (offset, errno) }
      // write(2) returns 0 for a non-empty buffer only on a device that takes nothing more.
      if n == 0 { return (offset, EIO) }
      offset += n
    }
    return (offset, nil)
  }

  /// Writes `text` on standard error, dropping it when that cannot take it (a closed pipe, a full disk):
  /// a message nobody can read must not end the process that had it to say.
  package static func writeToStandardError(_ text: String) {
    _ = writeAll(STDERR_FILENO, Array(text.utf8))
  }

  /// Writes text to an existing file in one write, as cgroup and /proc control files require.
  package static func write(_ path: String, _ text: String) throws {
    let fd = open(path, O_WRONLY | O_CLOEXEC)
    guard fd >= 0 else { throw SystemError.file("open", path, errno) }
    defer { close(fd) }
    let bytes = Array(text.utf8)
    let n = bytes.withUnsafeBytes { buffer in SystemCall.retrying { Glibc.write(fd, buffer.baseAddress!, buffer.count) } }
    guard n >= 0 else { throw SystemError.file("write", path, errno) }
    // A control file takes its value in one write or not at all; a short write has no errno to report.
    guard n == bytes.count else { throw SystemError.file("write all of", path, EIO) }
  }

  /// Whether a path exists.
  package static func exists(_ path: String) -> Bool { access(path, F_OK) == 0 }
}
