/// The summed figures of `/proc/PID/smaps_rollup` that status does not give, in bytes.
package struct SmapsRollup: Equatable, Sendable {
  /// `Pss`: proportional set size, shared pages divided among their sharers.
  package var pss: UInt64 = 0
  /// `Pss_Anon` (Linux 5.10 and later): private anonymous pages in full, shared ones divided, from the page tables.
  package var pssAnon: UInt64?
  /// `AnonHugePages`: anonymous memory backed by transparent huge pages.
  package var anonHuge: UInt64 = 0

  /// Creates an empty reading.
  package init() {}

  /// Parses the text of /proc/PID/smaps_rollup.
  package static func parse(_ text: String) -> SmapsRollup {
    var copy = text
    return copy.withUTF8 { parse(UnsafeRawBufferPointer($0)) }
  }

  static let fields = KeyValueFields<SmapsRollup>([
    "Pss": { $0.pss = $1 }, "Pss_Anon": { $0.pssAnon = $1 }, "AnonHugePages": { $0.anonHuge = $1 },
  ])

  /// Parses the raw bytes of /proc/PID/smaps_rollup.
  package static func parse(_ bytes: UnsafeRawBufferPointer) -> SmapsRollup {
    var rollup = SmapsRollup()
    fields.parse(bytes, into: &rollup)
    return rollup
  }
}
