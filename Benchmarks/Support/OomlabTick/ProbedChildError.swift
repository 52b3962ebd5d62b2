import Glibc

/// Why the probed child could not be started or read.
package enum ProbedChildError: Error, CustomStringConvertible {
  /// A system call failed with an errno.
  case failed(String, Int32)
  /// The child ended before the probe could read it.
  case gone(pid_t)

  package var description: String {
    switch self {
    case .failed(let call, let code): "\(call) failed: \(String(cString: strerror(code)))"
    case .gone(let pid): "process \(pid) ended before its first reading"
    }
  }
}
