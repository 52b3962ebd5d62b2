/// The kernel's own account of an OOM kill: the `Killed process` line of mm/oom_kill.c.
package struct KernelOomReport: Equatable, Sendable {
  /// The victim's pid, as the kernel's (initial) pid namespace numbers it.
  package var pid: Int32
  /// The victim's command name (`comm`, at most 15 bytes, may hold spaces and parentheses).
  package var command: String
  /// `total-vm`: the victim's mapped virtual memory, in bytes.
  package var totalVM: UInt64
  /// `anon-rss`: resident anonymous memory, in bytes.
  package var anonRSS: UInt64
  /// `file-rss`: resident file-backed memory, in bytes.
  package var fileRSS: UInt64
  /// `shmem-rss`: resident shared memory, in bytes; 0 on kernels before 4.5, which did not print it.
  package var shmemRSS: UInt64
  /// `UID`: the victim's user id, on kernels since 5.0.
  package var uid: UInt32?
  /// `pgtables`: the victim's page tables, in bytes, on kernels since 5.0.
  package var pageTables: UInt64?
  /// `oom_score_adj`: the victim's adjustment, on kernels since 5.0.
  package var oomScoreAdj: Int?
  /// What ran out, the text before `: Killed process`: `Memory cgroup out of memory` for a cgroup limit,
  /// `Out of memory` for the whole machine.
  package var reason: String
  /// The kernel's message as it printed it, for the summary.
  package var line: String
  /// The cgroup that hit its limit (`oom_memcg` of the preceding `oom-kill:` line), when it was read.
  package var memoryCgroup: String?
  /// The victim's own cgroup (`task_memcg` of the preceding `oom-kill:` line), when it was read.
  package var taskCgroup: String?
  /// When the kernel logged the line, in microseconds since boot (the /dev/kmsg timestamp), when known.
  package var timestampMicroseconds: UInt64?

  /// Parses a message containing `Killed process PID (comm) total-vm:NkB, anon-rss:NkB, file-rss:NkB, ...`;
  /// nil for any other message.
  package static func parse(_ message: String) -> KernelOomReport? {
    guard let killed = message.firstRange(of: "Killed process ") else { return nil }
    var reason = message[..<killed.lowerBound]
    while reason.last == " " || reason.last == ":" { reason.removeLast() }
    // dmesg's rendering puts `[   79.114444] ` in front; the reason is what follows it.
    if reason.first == "[", let bracket = reason.firstRange(of: "] ") { reason = reason[bracket.upperBound...] }
    let afterKilled = message[killed.upperBound...]
    guard let open = afterKilled.firstIndex(of: " "), let pid = Int32(afterKilled[..<open]) else { return nil }
    let rest = afterKilled[afterKilled.index(after: open)...]
    // comm may itself contain ") ", so the name ends where the fields begin.
    guard rest.first == "(", let close = rest.firstRange(of: ") total-vm:") else { return nil }
    let command = String(rest[rest.index(after: rest.startIndex)..<close.lowerBound])
    var fields: [Substring: Substring] = [:]
    for token in rest[rest.index(after: close.lowerBound)...].split(whereSeparator: { $0 == " " || $0 == "," || $0 == "\n" }) {
      guard let colon = token.firstIndex(of: ":") else { continue }
      fields[token[..<colon]] = token[token.index(after: colon)...]
    }
    guard let totalVM = kilobytes(fields["total-vm"]), let anonRSS = kilobytes(fields["anon-rss"]),
      let fileRSS = kilobytes(fields["file-rss"])
    else { return nil }
    var end = message.endIndex
    while end > killed.lowerBound, message[message.index(before: end)] == "\n" { end = message.index(before: end) }
    return KernelOomReport(
      pid: pid, command: command, totalVM: totalVM, anonRSS: anonRSS, fileRSS: fileRSS,
      shmemRSS: kilobytes(fields["shmem-rss"]) ?? 0, uid: fields["UID"].flatMap { UInt32($0) },
      pageTables: kilobytes(fields["pgtables"]), oomScoreAdj: fields["oom_score_adj"].flatMap { Int($0) },
      reason: String(reason), line: String(message[..<end]), memoryCgroup: nil, taskCgroup: nil, timestampMicroseconds: nil)
  }

  /// Bytes from a `NkB` field.
  static func kilobytes(_ field: Substring?) -> UInt64? {
    guard var field else { return nil }
    if field.hasSuffix("kB") { field = field.dropLast(2) }
    return UInt64(field).map { $0 * 1024 }
  }
}
