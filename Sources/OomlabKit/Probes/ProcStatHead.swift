/// The fields of `/proc/PID/stat` that say which process it is: command name, state and parent.
package struct ProcStatHead: Equatable, Sendable {
  /// Field 2, `comm`: the command name (at most 15 bytes) without its parentheses.
  package var command: String
  /// Field 3, `state`: `R`, `S`, `D`, `Z` (a zombie, dead and not yet reaped), `T`, ...
  package var state: UInt8
  /// Field 4, `ppid`: the parent's process ID.
  package var parentPid: Int32

  /// Parses the text of /proc/PID/stat.
  package static func parse(_ text: String) -> ProcStatHead? {
    var copy = text
    return copy.withUTF8 { parse(UnsafeRawBufferPointer($0)) }
  }

  /// Parses the raw bytes of /proc/PID/stat; the name may hold spaces and parentheses, so it ends at the last `)`.
  package static func parse(_ bytes: UnsafeRawBufferPointer) -> ProcStatHead? {
    guard let scan = scan(bytes) else { return nil }
    return ProcStatHead(
      command: String(decoding: UnsafeRawBufferPointer(rebasing: bytes[scan.command]), as: UTF8.self),
      state: scan.state, parentPid: scan.parentPid)
  }

  /// Where the name lies in `bytes`, the state and the parent, without building a String: read every tick.
  static func scan(_ bytes: UnsafeRawBufferPointer) -> (command: Range<Int>, state: UInt8, parentPid: Int32)? {
    guard let open = bytes.firstIndex(of: 0x28) else { return nil }
    var close = bytes.count - 1
    while close > open && bytes[close] != 0x29 { close -= 1 }
    // ") S 1234 ": the state is one letter, the parent a decimal.
    guard close > open, close + 4 < bytes.count, bytes[close + 1] == 0x20, bytes[close + 3] == 0x20 else { return nil }
    var i = close + 4
    var parent: Int32 = 0
    var digits = 0
    while i < bytes.count && bytes[i] >= 0x30 && bytes[i] <= 0x39 && digits < 10 {
      parent = parent &* 10 &+ Int32(bytes[i] - 0x30)
      i += 1
      digits += 1
    }
    guard digits > 0, i < bytes.count, bytes[i] == 0x20 else { return nil }
    return (open + 1..<close, bytes[close + 2], parent)
  }

  /// Field 52, `exit_code`: a dead process's status in waitpid(2)'s form, readable while it is a zombie.
  package static func exitStatus(_ bytes: UnsafeRawBufferPointer) -> Int32? {
    field(52, of: bytes).flatMap { Int32(exactly: $0) }
  }

  /// PF_KTHREAD of field 9, `flags`: the process is a kernel thread, which has no user memory.
  package static let kernelThreadFlag: Int64 = 0x0020_0000

  /// Whether field 9, `flags`, marks a kernel thread; nil when it cannot be read.
  package static func isKernelThread(_ bytes: UnsafeRawBufferPointer) -> Bool? {
    field(9, of: bytes).map { $0 & kernelThreadFlag != 0 }
  }

  /// Field `number` (counted from 1, as proc(5) does) as a number, scanning from the `)` that ends the name.
  static func field(_ number: Int, of bytes: UnsafeRawBufferPointer) -> Int64? {
    var close = bytes.count - 1
    while close >= 0 && bytes[close] != 0x29 { close -= 1 }
    guard close >= 0 else { return nil }
    var field = 2
    var i = close + 1
    while i < bytes.count {
      while i < bytes.count && bytes[i] == 0x20 { i += 1 }
      guard i < bytes.count, bytes[i] != 0x0A else { return nil }
      field += 1
      let start = i
      while i < bytes.count && bytes[i] != 0x20 && bytes[i] != 0x0A { i += 1 }
      if field == number {
        return Int64(String(decoding: UnsafeRawBufferPointer(rebasing: bytes[start..<i]), as: UTF8.self))
      }
    }
    return nil
  }
}
