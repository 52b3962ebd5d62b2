/// Reads a `waitpid` status the way the C macros do.
enum WaitStatus {
  /// The signal that ended the process (`WIFSIGNALED`, `WTERMSIG`), nil when it exited or only stopped.
  static func signal(_ status: Int32?) -> Int32? {
    guard let status, status & 0x7F != 0, status & 0x7F != 0x7F else { return nil }
    return status & 0x7F
  }

  /// The exit code (`WIFEXITED`, `WEXITSTATUS`), nil when a signal ended the process.
  static func exitCode(_ status: Int32?) -> Int32? {
    guard let status, status & 0x7F == 0 else { return nil }
    return (status >> 8) & 0xFF
  }
}
