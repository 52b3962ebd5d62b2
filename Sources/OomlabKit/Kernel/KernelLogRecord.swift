/// One record of /dev/kmsg: `priority,sequence,microseconds,flags[,...];message`.
package struct KernelLogRecord: Equatable, Sendable {
  /// Syslog facility * 8 + level, as the kernel wrote it.
  package var priority: Int
  /// The record's sequence number; a gap means records were overwritten before they were read.
  package var sequence: UInt64
  /// When it was logged, in microseconds since boot.
  package var timestampMicroseconds: UInt64
  /// The message text.
  package var message: String

  /// Parses one record line; continuation lines (dictionary entries, starting with a space) give nil.
  package static func parse(_ line: Substring) -> KernelLogRecord? {
    guard let semicolon = line.firstIndex(of: ";") else { return nil }
    let header = line[..<semicolon].split(separator: ",", omittingEmptySubsequences: false)
    guard header.count >= 3, let priority = Int(header[0]), let sequence = UInt64(header[1]),
      let microseconds = UInt64(header[2])
    else { return nil }
    var message = line[line.index(after: semicolon)...]
    while message.last == "\n" { message.removeLast() }
    return KernelLogRecord(
      priority: priority, sequence: sequence, timestampMicroseconds: microseconds, message: String(message))
  }
}
