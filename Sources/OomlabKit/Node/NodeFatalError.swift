/// Node's last words when V8 runs out of heap, as it prints them on standard error before it aborts.
package struct NodeFatalError: Equatable, Sendable {
  /// The `FATAL ERROR: ... JavaScript heap out of memory` line.
  package var message: String
  /// The dying process, named by the `[PID:0x...]` prefix of the GC trace V8 prints just before; nil when absent.
  package var pid: Int32?
  /// When the line was read, in nanoseconds on CLOCK_MONOTONIC.
  package var time: UInt64

  /// The words that mark the heap running out, whatever V8 says before them
  /// (`Reached heap limit`, `Ineffective mark-compacts near heap limit`, ...).
  static let marker = "JavaScript heap out of memory"

  /// Whether `line` is V8's fatal heap message.
  package static func isFatal(_ line: Substring) -> Bool {
    line.hasPrefix("FATAL ERROR:") && line.contains(marker)
  }

  /// The pid in the last `[PID:0x...]` of a GC trace line, as `<--- Last few GCs --->` prints them.
  package static func tracedPid(_ line: Substring) -> Int32? {
    var found: Int32?
    var rest = line[...]
    while let open = rest.firstIndex(of: "[") {
      let after = rest[rest.index(after: open)...]
      let digits = after.prefix { $0.isASCII && $0.isNumber }
      if !digits.isEmpty, after.dropFirst(digits.count).hasPrefix(":0x"), let pid = Int32(digits), pid > 0 {
        found = pid
      }
      rest = after
    }
    return found
  }
}
