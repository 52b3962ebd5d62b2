/// Names of the cgroups oomlab creates: `oomlab-<supervisor pid>-<n>`, so a later run can tell whose they are.
package enum CgroupName {
  /// The prefix that marks a directory as oomlab's.
  package static let prefix = "oomlab-"

  /// The name of the `index`th cgroup of supervisor `supervisorPid`.
  package static func make(supervisorPid: Int32, index: Int) -> String {
    "\(prefix)\(supervisorPid)-\(index)"
  }

  /// The supervisor pid and index encoded in `name`, or nil when it is not exactly `oomlab-<pid>-<n>`.
  package static func parse(_ name: String) -> (supervisorPid: Int32, index: Int)? {
    guard name.hasPrefix(prefix) else { return nil }
    let parts = name.dropFirst(prefix.count).split(separator: "-", omittingEmptySubsequences: false)
    guard parts.count == 2, parts.allSatisfy({ !$0.isEmpty && $0.allSatisfy { $0 >= "0" && $0 <= "9" } }),
      let pid = Int32(parts[0]), pid > 0, let index = Int(parts[1])
    else { return nil }
    return (pid, index)
  }
}
