/// The pids of `/proc/PID/task/TID/children`: a thread's live children, separated by spaces.
package enum ProcChildren {
  /// Appends the pids listed in `bytes` to `pids`.
  package static func parse(_ bytes: UnsafeRawBufferPointer, into pids: inout [Int32]) {
    var value: Int32 = 0
    var digits = 0
    for byte in bytes {
      if byte >= 0x30 && byte <= 0x39 && digits < 10 {
        value = value &* 10 &+ Int32(byte - 0x30)
        digits += 1
      } else {
        if digits > 0 && value > 0 { pids.append(value) }
        value = 0
        digits = 0
      }
    }
    if digits > 0 && value > 0 { pids.append(value) }
  }

  /// The pids listed in `text`.
  package static func parse(_ text: String) -> [Int32] {
    var pids: [Int32] = []
    var copy = text
    copy.withUTF8 { parse(UnsafeRawBufferPointer($0), into: &pids) }
    return pids
  }
}
