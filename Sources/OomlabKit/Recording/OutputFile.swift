import Glibc

/// An output opened for writing without following a symbolic link or blocking on a FIFO; a file it created is
/// removed again when it is released before `keep()`, so a refused run leaves nothing behind.
package final class OutputFile {
  /// The path as given (or as generated), for messages and the summary.
  package let path: String
  let descriptor: Int32
  private let ownsDescriptor: Bool
  /// Whether writes can be cut back with ftruncate(2): true for a regular file, false for a FIFO or a device.
  let isRegular: Bool
  /// The file this output created, while it is still to be removed on release.
  private var createdIdentity: FileIdentity?

  private init(path: String, descriptor: Int32, ownsDescriptor: Bool, isRegular: Bool, created: FileIdentity?) {
    self.path = path
    self.descriptor = descriptor
    self.ownsDescriptor = ownsDescriptor
    self.isRegular = isRegular
    self.createdIdentity = created
  }

  deinit {
    // Remove only the file this output created, and only if the path still names it.
    if let createdIdentity, FileIdentity.output(path) == createdIdentity { unlink(path) }
    if ownsDescriptor { close(descriptor) }
  }

  /// Standard output, for `-`.
  package static var standardOutput: OutputFile {
    OutputFile(path: "-", descriptor: STDOUT_FILENO, ownsDescriptor: false, isRegular: false, created: nil)
  }

  /// The identity of the open file (standard output for `-`).
  var identity: FileIdentity? { ownsDescriptor ? FileIdentity.open(descriptor) : .standardOutput }

  /// Makes the file the run's output: it is no longer removed on release.
  func keep() { createdIdentity = nil }

  /// Opens the file a user named, creating it if absent and leaving an existing one untouched until written.
  ///
  /// Never follows a final symbolic link; a FIFO opens only if it has a reader, then blocks on writes as usual.
  package static func open(_ path: String, flag: String) throws -> OutputFile {
    guard !path.isEmpty else { throw OutputError.empty(flag: flag) }
    if path == "-" { return .standardOutput }
    if path.hasSuffix("/") { throw OutputError.directory(flag: flag, path: path) }
    // O_NONBLOCK makes opening a FIFO without a reader fail with ENXIO instead of waiting for one forever.
    let flags = O_WRONLY | O_NOFOLLOW | O_NONBLOCK | O_CLOEXEC
    // Bounded: another process creating and removing the file in between is the only reason to go round.
    for _ in 0..<16 {
      let descriptor = Glibc.open(path, flags)
      if descriptor >= 0 { return try adopt(descriptor, path: path, flag: flag, created: false) }
      let code = errno
      if code == EINTR { continue }
      guard code == ENOENT else { throw refusal(code, path: path, flag: flag) }
      let created = Glibc.open(path, flags | O_CREAT | O_EXCL, 0o644)
      if created >= 0 { return try adopt(created, path: path, flag: flag, created: true) }
      if errno == EEXIST || errno == EINTR { continue }
      throw refusal(errno, path: path, flag: flag)
    }
    throw OutputError.unwritable(flag: flag, path: path, errno: EAGAIN)
  }

  /// Creates a new file at a generated name, or at `name-1`, `name-2`, ... when it is taken: never an existing one.
  package static func create(_ path: String, flag: String) throws -> OutputFile {
    var attempt = 0
    while attempt < 1000 {
      let candidate = numbered(path, attempt)
      // O_EXCL also refuses a symbolic link at the name, dangling or not.
      let descriptor = Glibc.open(candidate, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0o644)
      if descriptor >= 0 { return try adopt(descriptor, path: candidate, flag: flag, created: true) }
      switch errno {
      case EINTR: continue
      case EEXIST: attempt += 1
      case let code: throw refusal(code, path: candidate, flag: flag)
      }
    }
    throw OutputError.noFreeName(flag: flag, path: path)
  }

  /// Takes an opened descriptor if it names a regular file, a FIFO or a character device, and makes writes block.
  private static func adopt(_ descriptor: Int32, path: String, flag: String, created: Bool) throws -> OutputFile {
    var status = stat()
    guard fstat(descriptor, &status) == 0 else {
      let code = errno
      close(descriptor)
      if created { unlink(path) }
      throw OutputError.unwritable(flag: flag, path: path, errno: code)
    }
    let identity = FileIdentity.inode(device: UInt64(status.st_dev), inode: UInt64(status.st_ino))
    let file = OutputFile(
      path: path, descriptor: descriptor, ownsDescriptor: true, isRegular: FileKind(status.st_mode) == .regular,
      created: created ? identity : nil)
    switch FileKind(status.st_mode) {
    case .regular: return file
    case .fifo, .characterDevice:
      // Writes to a reader that is slow must wait for it, not fail with EAGAIN.
      let flags = fcntl(descriptor, F_GETFL)
      guard flags >= 0, fcntl(descriptor, F_SETFL, flags & ~O_NONBLOCK) == 0 else {
        throw OutputError.unwritable(flag: flag, path: path, errno: errno)
      }
      return file
    case let kind: throw OutputError.unsupported(flag: flag, path: path, kind: kind.description)
    }
  }

  /// The refusal for an open(2) that failed with `code`, told apart by what the path names.
  static func refusal(_ code: Int32, path: String, flag: String) -> OutputError {
    switch (code, FileKind.at(path)) {
    case (_, .symbolicLink): return .symbolicLink(flag: flag, path: path)
    case (_, .directory): return .directory(flag: flag, path: path)
    case (ENXIO, .fifo): return .noReader(flag: flag, path: path)
    case (ENXIO, let kind?): return .unsupported(flag: flag, path: path, kind: kind.description)
    default: return .unwritable(flag: flag, path: path, errno: code)
    }
  }

  /// `path` with `-attempt` before its extension (`run.csv`, `run-1.csv`, ...); attempt 0 is `path` itself.
  static func numbered(_ path: String, _ attempt: Int) -> String {
    guard attempt > 0 else { return path }
    let start = path.lastIndex(of: "/").map { path.index(after: $0) } ?? path.startIndex
    // A dot that starts the name (a hidden file) is not an extension.
    if let dot = path[start...].lastIndex(of: "."), dot > start {
      return "\(path[..<dot])-\(attempt)\(path[dot...])"
    }
    return "\(path)-\(attempt)"
  }
}
