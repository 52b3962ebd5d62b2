/// The cgroup membership of a process, as /proc/PID/cgroup lists it.
package struct ProcCgroup: Equatable, Sendable {
  /// The path in each v1 hierarchy, keyed by each controller of the line (and `name=systemd` for named ones).
  package var v1Paths: [String: String]
  /// The path in the unified (v2) hierarchy, from the `0::/path` line; nil when there is none.
  package var unifiedPath: String?

  /// Creates a membership record.
  package init(v1Paths: [String: String] = [:], unifiedPath: String? = nil) {
    self.v1Paths = v1Paths
    self.unifiedPath = unifiedPath
  }

  /// The path in the v1 hierarchy carrying `controller`, such as `memory`.
  package func v1Path(controller: String) -> String? { v1Paths[controller] }

  /// Parses lines `N:controllers:/path` (v1) and `0::/path` (v2).
  package static func parse(_ text: String) -> ProcCgroup {
    var result = ProcCgroup()
    for line in text.split(separator: "\n") {
      // The path may itself contain colons, so split only at the first two.
      guard let first = line.firstIndex(of: ":") else { continue }
      let rest = line[line.index(after: first)...]
      guard let second = rest.firstIndex(of: ":") else { continue }
      let id = line[..<first]
      let controllers = rest[..<second]
      let path = String(rest[rest.index(after: second)...])
      if controllers.isEmpty {
        if id == "0" { result.unifiedPath = path }
        continue
      }
      for controller in controllers.split(separator: ",") {
        result.v1Paths[String(controller)] = path
      }
    }
    return result
  }
}
