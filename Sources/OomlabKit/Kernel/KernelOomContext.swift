/// The `oom-kill:` line the kernel prints just before `Killed process`, naming the cgroups involved.
package struct KernelOomContext: Equatable, Sendable {
  /// The victim's pid.
  package var pid: Int32
  /// `constraint`: `CONSTRAINT_MEMCG` for a cgroup limit, `CONSTRAINT_NONE` for the whole machine.
  package var constraint: String?
  /// `oom_memcg`: the cgroup whose limit was hit (relative to the memory hierarchy's root).
  package var memoryCgroup: String?
  /// `task_memcg`: the victim's own cgroup.
  package var taskCgroup: String?
  /// `task`: the victim's command name.
  package var task: String?

  /// Parses `oom-kill:constraint=CONSTRAINT_MEMCG,...,oom_memcg=/a/b,task_memcg=/a/b,task=eat,pid=1811,uid=0`;
  /// nil for any other message.
  package static func parse(_ message: String) -> KernelOomContext? {
    guard let start = message.firstRange(of: "oom-kill:") else { return nil }
    var values: [Substring: Substring] = [:]
    for pair in message[start.upperBound...].split(separator: ",") {
      guard let equals = pair.firstIndex(of: "=") else { continue }
      var value = pair[pair.index(after: equals)...]
      while value.last == "\n" { value.removeLast() }
      values[pair[..<equals]] = value
    }
    guard let pid = values["pid"].flatMap({ Int32($0) }) else { return nil }
    return KernelOomContext(
      pid: pid, constraint: values["constraint"].map(String.init), memoryCgroup: values["oom_memcg"].map(String.init),
      taskCgroup: values["task_memcg"].map(String.init), task: values["task"].map(String.init))
  }
}
