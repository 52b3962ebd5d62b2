import COomlabShim
import Glibc

/// Reads jemalloc's controls through the shim, which finds `mallctl` at run time.
enum Mallctl {
  /// Whether the control `name` exists in this process's jemalloc.
  static func exists(_ name: String) -> Bool {
    oomlab_jemalloc_read(name, nil, 0) == 0
  }

  /// Reads the control `name` as a value of `type`; the error is mallctl's errno, or ENOSYS when
  /// jemalloc does not serve this process.
  static func read(_ name: String, as type: JemallocOptionType) -> Result<JemallocValue, SystemError> {
    func load<T>(_ initial: T, _ wrap: (T) -> JemallocValue) -> Result<JemallocValue, SystemError> {
      var value = initial
      let code = withUnsafeMutableBytes(of: &value) { oomlab_jemalloc_read(name, $0.baseAddress, $0.count) }
      if code == 0 { return .success(wrap(value)) }
      return .failure(.call("mallctl(\"\(name)\")", code < 0 ? ENOSYS : code))
    }
    switch type {
    case .bool: return load(false) { .bool($0) }
    case .unsigned: return load(UInt32(0)) { .unsigned(UInt64($0)) }
    case .unsigned64: return load(UInt64(0)) { .unsigned($0) }
    case .signed64: return load(Int64(0)) { .signed($0) }
    case .string:
      return load(UnsafePointer<CChar>?.none) { .string($0.map { String(cString: $0) } ?? "") }
    }
  }
}
