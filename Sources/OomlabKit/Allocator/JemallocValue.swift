/// A value of one of jemalloc's options, as MALLOC_CONF asks for it or as `opt.<key>` reports it.
package enum JemallocValue: Equatable, Sendable, CustomStringConvertible {
  case bool(Bool)
  /// `unsigned`, `size_t` and `uint64_t` options.
  case unsigned(UInt64)
  /// `ssize_t` and `int64_t` options.
  case signed(Int64)
  /// `const char *` options.
  case string(String)

  package var description: String {
    switch self {
    case .bool(let value): return value ? "true" : "false"
    case .unsigned(let value): return "\(value)"
    case .signed(let value): return "\(value)"
    case .string(let value): return "\"\(value)\""
    }
  }
}
