/// Why a MALLOC_CONF is refused: jemalloc would not read it as written, or does not hold a value as asked.
package enum JemallocConfError: Error, Equatable, CustomStringConvertible {
  /// The string breaks jemalloc's `key:value,key:value` syntax at `at`; jemalloc stops reading there.
  case malformed(conf: String, at: String, reason: String)
  /// jemalloc has no `opt.<key>`: the key is unknown to it (or not built in), so it ignored the pair.
  case unknownKey(key: String, value: String)
  /// jemalloc has `opt.<key>`, but oomlab does not know its type, so it cannot confirm the value.
  case uncheckable(key: String, value: String)
  /// Reading `opt.<key>` back failed with an errno.
  case unreadable(key: String, value: String, errno: Int32)
  /// jemalloc holds `actual` instead of the value asked: it rejected the value, or clipped it to its range.
  case notApplied(key: String, asked: String, actual: JemallocValue)

  package var description: String {
    switch self {
    case .malformed(let conf, let at, let reason):
      return "malloc-conf \"\(conf)\" is malformed at \"\(at)\": \(reason); jemalloc stops reading it there"
    case .unknownKey(let key, let value):
      return "malloc-conf key \"\(key)\" (in \"\(key):\(value)\") is not an option of this jemalloc: it has no "
        + "opt.\(key), so it ignored the pair (\"Invalid conf pair\")"
    case .uncheckable(let key, let value):
      return "malloc-conf key \"\(key)\" (in \"\(key):\(value)\") cannot be checked: oomlab does not know the type of "
        + "opt.\(key), so it cannot confirm jemalloc took the value, and refuses it rather than report it applied"
    case .unreadable(let key, let value, let code):
      return "malloc-conf key \"\(key)\" (in \"\(key):\(value)\") cannot be checked: reading opt.\(key) failed: "
        + ErrnoName.explain(code)
    case .notApplied(let key, let asked, let actual):
      return "malloc-conf key \"\(key)\" asks for \"\(asked)\", but jemalloc's opt.\(key) is \(actual): jemalloc "
        + "rejected the value (\"Invalid conf value\") or clipped it to its range"
    }
  }
}
