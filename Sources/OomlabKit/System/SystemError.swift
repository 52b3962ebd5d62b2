import Glibc

/// A failed system call or an environment that cannot do what was asked.
package enum SystemError: Error, CustomStringConvertible {
  /// A system call failed with an errno.
  case call(String, Int32)
  /// A file could not be read or written.
  case file(String, String, Int32)

  package var description: String {
    switch self {
    case .call(let name, let code): return "\(name) failed: \(ErrnoName.explain(code))"
    case .file(let op, let path, let code): return "cannot \(op) \(path): \(ErrnoName.explain(code))"
    }
  }

  /// The errno of the failure.
  package var errno: Int32 {
    switch self {
    case .call(_, let code), .file(_, _, let code): return code
    }
  }
}
