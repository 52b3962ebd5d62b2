/// Which cgroup interface a hierarchy speaks.
package enum CgroupVersion: String, Equatable, Sendable, CustomStringConvertible {
  /// The legacy interface: one hierarchy per controller set, `memory.limit_in_bytes` and its siblings.
  case v1
  /// The unified hierarchy: `memory.max`, `memory.current`, `memory.events`.
  case v2

  package var description: String { rawValue }
}
