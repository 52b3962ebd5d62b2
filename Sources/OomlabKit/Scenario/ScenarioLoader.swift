import Glibc

/// Reads scenario files from disk; the parsing itself is `ScenarioParser`'s.
package enum ScenarioLoader {
  /// The largest scenario file read: 4 MiB, a thousand times the largest scenario shipped.
  ///
  /// Keeps `validate /dev/zero`-like mistakes and hostile files from filling memory; the parsed
  /// tree of a 4 MiB file stays in the low hundreds of MiB.
  package static let maximumFileBytes = 4 << 20

  /// How long a pipe may stay silent before it is refused as having no writer.
  package static let pipeWait: UInt64 = 5_000_000_000

  /// Loads and validates the scenario at `path`, failing with its first problem; `pipes` also takes a
  /// pipe or FIFO that is being written (`run <(cat f.yaml)`, `run /dev/stdin`).
  package static func load(_ path: String, pipes: Bool = true) throws -> Scenario {
    switch check(path, pipes: pipes) {
    case .success(let scenario): return scenario
    case .failure(let errors): throw errors.first
    }
  }

  /// Loads and validates the scenario at `path`, finding every problem it can.
  package static func check(_ path: String, pipes: Bool = true) -> Result<Scenario, ScenarioErrors> {
    do {
      let text = try ScenarioText.decode(try read(path, pipeWait: pipes ? pipeWait : nil), file: path)
      return ScenarioParser.check(yaml: text, file: path)
    } catch let error as ScenarioError {
      return .failure(ScenarioErrors([error]))
    } catch {
      return .failure(ScenarioErrors([fileError(path, "cannot read the file: \(error)")]))
    }
  }

  /// The bytes of a regular file, or of a pipe written within `pipeWait`, of at most `maximumFileBytes`.
  ///
  /// Opened without blocking so a FIFO with no writer cannot hang the open; a terminal or a device
  /// may never end and is refused by its type before anything is read. A pipe is read only while
  /// data keeps coming: each read waits at most `pipeWait`, so a FIFO nobody writes is refused
  /// instead of hanging, while `<(cat f.yaml)` works.
  static func read(_ path: String, pipeWait: UInt64? = nil) throws -> [UInt8] {
    let fd = open(path, O_RDONLY | O_NONBLOCK | O_NOCTTY | O_CLOEXEC)
    guard fd >= 0 else { throw fileError(path, "cannot read the file: \(SystemError.file("open", path, errno))") }
    defer { close(fd) }
    var status = stat()
    guard fstat(fd, &status) == 0 else { throw fileError(path, "cannot read the file: \(SystemError.file("fstat", path, errno))") }
    let type = status.st_mode & S_IFMT
    if type == S_IFIFO, let pipeWait { return try readPipe(fd, path: path, wait: pipeWait) }
    guard type == S_IFREG else { throw fileError(path, "expected a regular file, got \(typeName(type))") }
    let limit = maximumFileBytes
    guard status.st_size <= limit else { throw tooLarge(path, "\(status.st_size) bytes") }
    // The size can change while reading (or be 0 in /proc), so the read itself stops past the limit.
    var bytes: [UInt8] = []
    var chunk = [UInt8](repeating: 0, count: 65536)
    while bytes.count <= limit {
      let n = chunk.withUnsafeMutableBytes { Glibc.read(fd, $0.baseAddress!, $0.count) }
      if n < 0 {
        if errno == EINTR { continue }
        throw fileError(path, "cannot read the file: \(SystemError.file("read", path, errno))")
      }
      if n == 0 { return bytes }
      bytes.append(contentsOf: chunk[0..<n])
    }
    throw tooLarge(path, "more than \(limit) bytes")
  }

  /// Reads a pipe to its end, waiting at most `wait` for each chunk and stopping past the size limit.
  static func readPipe(_ fd: Int32, path: String, wait: UInt64) throws -> [UInt8] {
    var bytes: [UInt8] = []
    var chunk = [UInt8](repeating: 0, count: 65536)
    while bytes.count <= maximumFileBytes {
      var ready = pollfd(fd: fd, events: Int16(POLLIN), revents: 0)
      let polled = SystemCall.retrying { poll(&ready, 1, Int32(wait / 1_000_000)) }
      if polled == 0 {
        throw fileError(
          path, "a pipe with no writer: nothing arrived in \(wait / 1_000_000_000) s; expected a regular file or a pipe being written")
      }
      let n = chunk.withUnsafeMutableBytes { buffer in SystemCall.retrying { Glibc.read(fd, buffer.baseAddress!, buffer.count) } }
      if n < 0 {
        if errno == EAGAIN { continue }
        throw fileError(path, "cannot read the file: \(SystemError.file("read", path, errno))")
      }
      if n == 0 { return bytes }
      bytes.append(contentsOf: chunk[0..<n])
    }
    throw tooLarge(path, "more than \(maximumFileBytes) bytes")
  }

  static func tooLarge(_ path: String, _ size: String) -> ScenarioError {
    fileError(path, "the file is \(size); expected a scenario of at most 4MiB (\(maximumFileBytes) bytes)")
  }

  static func fileError(_ path: String, _ problem: String) -> ScenarioError {
    ScenarioError(file: path, line: 0, column: 0, field: "", problem: problem)
  }

  /// The kind of a file that is not regular, as `ls -l` would call it.
  static func typeName(_ type: mode_t) -> String {
    switch type {
    case S_IFDIR: return "a directory"
    case S_IFIFO: return "a FIFO (named pipe)"
    case S_IFCHR: return "a character device"
    case S_IFBLK: return "a block device"
    case S_IFSOCK: return "a socket"
    default: return "a special file"
    }
  }
}
