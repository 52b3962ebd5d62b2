import Glibc

/// A /proc file kept open between samples and re-read from offset 0 with pread.
///
/// Keeping the descriptor saves the path walk each tick, and once the process is gone reads fail
/// with ESRCH instead of silently opening a recycled PID's file.
package final class ProcFile {
  let path: String
  let descriptor: Int32
  private var buffer: UnsafeMutableRawBufferPointer

  /// Opens `path` for repeated reading.
  package init(_ path: String, capacity: Int = 8192) throws {
    descriptor = open(path, O_RDONLY | O_CLOEXEC)
    guard descriptor >= 0 else { throw SystemError.file("open", path, errno) }
    self.path = path
    buffer = .allocate(byteCount: capacity, alignment: 8)
  }

  deinit {
    close(descriptor)
    buffer.deallocate()
  }

  /// Reads the whole file and passes its bytes to `body`; nil when the process is gone.
  package func withContents<T>(_ body: (UnsafeRawBufferPointer) -> T) -> T? {
    while true {
      let n = SystemCall.retrying { pread(descriptor, buffer.baseAddress, buffer.count, 0) }
      if n < 0 { return nil }
      if n == buffer.count {
        // The file outgrew the buffer: double it and read again.
        let bigger = UnsafeMutableRawBufferPointer.allocate(byteCount: buffer.count * 2, alignment: 8)
        buffer.deallocate()
        buffer = bigger
        continue
      }
      return body(UnsafeRawBufferPointer(rebasing: buffer[0..<n]))
    }
  }

  /// The file's text, or nil when the process is gone.
  package func text() -> String? { withContents { String(decoding: $0, as: UTF8.self) } }
}
