import Glibc

/// Which file a path names, so that an output can be compared with the inputs and the other outputs.
package enum FileIdentity: Hashable, Sendable {
  /// An existing file, by device and inode: hard links and every spelling of its path agree.
  case inode(device: UInt64, inode: UInt64)
  /// A file not created yet, by its absolute path with symbolic links in its folder, `.` and `..` resolved.
  case path(String)
  /// Standard output, which `-` names.
  case standardOutput

  /// The file an input path reads, following symbolic links as reading does.
  package static func input(_ path: String) -> FileIdentity {
    var status = stat()
    guard stat(path, &status) == 0 else { return .path(absolute(path)) }
    return .inode(device: UInt64(status.st_dev), inode: UInt64(status.st_ino))
  }

  /// The file an output path names; a final symbolic link is itself, since outputs never follow one.
  package static func output(_ path: String) -> FileIdentity {
    if path == "-" { return .standardOutput }
    var status = stat()
    guard lstat(path, &status) == 0 else { return .path(absolute(path)) }
    return .inode(device: UInt64(status.st_dev), inode: UInt64(status.st_ino))
  }

  /// The file open on `descriptor`, or nil when fstat(2) fails.
  static func open(_ descriptor: Int32) -> FileIdentity? {
    var status = stat()
    guard fstat(descriptor, &status) == 0 else { return nil }
    return .inode(device: UInt64(status.st_dev), inode: UInt64(status.st_ino))
  }

  /// `path` made absolute: its folder resolved by realpath(3) the way the kernel walks it, then its last part.
  static func absolute(_ path: String) -> String {
    let (folder, last) = split(path)
    if let resolved = realpath(folder, nil) {
      defer { free(resolved) }
      return normalise(last, in: String(cString: resolved))
    }
    // The folder does not exist (opening there fails anyway): compare the spelling, made absolute.
    return normalise(path, in: currentDirectory())
  }

  /// `path` made absolute against `directory` with `.`, `..` and repeated slashes removed, without the file system.
  static func normalise(_ path: String, in directory: String) -> String {
    let full = path.hasPrefix("/") ? path : directory + "/" + path
    var parts: [Substring] = []
    for part in full.split(separator: "/") {
      if part == "." { continue }
      if part == ".." {
        if !parts.isEmpty { parts.removeLast() }
        continue
      }
      parts.append(part)
    }
    return "/" + parts.joined(separator: "/")
  }

  /// The folder a path is in and its last part: `a/b` is (`a`, `b`), `b` is (`.`, `b`), `/b` is (`/`, `b`).
  static func split(_ path: String) -> (folder: String, last: String) {
    guard let slash = path.lastIndex(of: "/") else { return (".", path) }
    let folder = String(path[..<slash])
    return (folder.isEmpty ? "/" : folder, String(path[path.index(after: slash)...]))
  }

  static func currentDirectory() -> String {
    guard let cwd = getcwd(nil, 0) else { return "/" }
    defer { free(cwd) }
    return String(cString: cwd)
  }
}
