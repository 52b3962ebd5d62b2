/// Why a worker stopped before its scenario ended.
package enum WorkloadError: Error, CustomStringConvertible {
  /// malloc or mmap returned ENOMEM; the worker reports it and exits cleanly.
  case allocationFailed(String)
  /// The environment refused something the scenario asked for.
  case failed(String)

  package var description: String {
    switch self {
    case .allocationFailed(let what): return "allocation failed: \(what)"
    case .failed(let what): return what
    }
  }
}
