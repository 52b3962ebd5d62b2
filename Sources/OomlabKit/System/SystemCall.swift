import Glibc

/// The one place a system call is retried when a signal interrupts it.
///
/// The supervisor blocks the signals it handles, but a worker, a test or a library thread may not,
/// and any blocking call can then fail with EINTR without having done anything.
enum SystemCall {
  /// Calls `call` until it succeeds or fails for a reason other than EINTR; the C convention of
  /// -1 and errno is kept, so callers read `errno` right after as usual.
  @discardableResult
  static func retrying<Result: BinaryInteger>(_ call: () -> Result) -> Result {
    while true {
      let result = call()
      if result != -1 || errno != EINTR { return result }
    }
  }
}
