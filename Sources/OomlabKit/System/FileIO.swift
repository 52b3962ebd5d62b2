import Glibc

/// Small whole-file helpers over raw descriptors, for /proc and cgroup files.
public enum FileIO {
  /// Reads a whole (small) file as text.
  public static func read(_ path: String) throws -> String {
    let fd = open(path, O_RDONLY | O_CLOEXEC)
    guard fd >= 0 else { throw SystemError.file("open", path, errno) }
    defer { close(fd) }
    var bytes: [UInt8] = []
    var chunk = [UInt8](repeating: 0, count: 65536)
    while true {
      let n = chunk.withUnsafeMutableBytes { Glibc.read(fd, $0.baseAddress!, $0.count) }
      if n < 0 {
        if errno == EINTR { continue }
        throw SystemError.file("read", path, errno)
      }
      if n == 0 { break }
      bytes.append(contentsOf: chunk[0..<n])
    }
    return String(decoding: bytes, as: UTF8.self)
  }

  /// Writes text to an existing file in one write, as cgroup and /proc control files require.
  public static func write(_ path: String, _ text: String) throws {
    let fd = open(path, O_WRONLY | O_CLOEXEC)
    guard fd >= 0 else { throw SystemError.file("open", path, errno) }
    defer { close(fd) }
    let bytes = Array(text.utf8)
    let n = bytes.withUnsafeBytes { Glibc.write(fd, $0.baseAddress!, $0.count) }
    guard n == bytes.count else { throw SystemError.file("write", path, errno) }
  }

  /// Whether a path exists.
  public static func exists(_ path: String) -> Bool { access(path, F_OK) == 0 }
}
