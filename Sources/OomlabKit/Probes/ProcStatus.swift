/// The memory figures of `/proc/PID/status`, in bytes.
package struct ProcStatus: Equatable, Sendable {
  /// `VmRSS`: resident set size, the sum of the three parts below.
  package var rss: UInt64 = 0
  /// `RssAnon`: resident anonymous memory (heap, stacks, anonymous mappings).
  package var rssAnon: UInt64 = 0
  /// `RssFile`: resident file-backed memory (binaries, shared libraries).
  package var rssFile: UInt64 = 0
  /// `RssShmem`: resident shared memory (tmpfs, System V and shared anonymous mappings).
  package var rssShmem: UInt64 = 0
  /// `VmSize`: total mapped virtual address space.
  package var vms: UInt64 = 0
  /// `VmHWM`: the kernel's own peak of VmRSS.
  package var hwm: UInt64 = 0
  /// `VmData`: private writable, non-stack mappings (heap and anonymous mmaps).
  package var data: UInt64 = 0
  /// `VmPTE`: page-table memory.
  package var pte: UInt64 = 0
  /// `VmSwap`: swapped-out anonymous memory.
  package var swap: UInt64 = 0
  /// `Threads`: the number of threads.
  package var threads: UInt64 = 0

  /// Creates an empty reading.
  package init() {}

  /// Parses the text of /proc/PID/status.
  package static func parse(_ text: String) -> ProcStatus {
    var copy = text
    return copy.withUTF8 { parse(UnsafeRawBufferPointer($0)) }
  }

  static let fields = KeyValueFields<ProcStatus>([
    "VmRSS": { $0.rss = $1 }, "RssAnon": { $0.rssAnon = $1 }, "RssFile": { $0.rssFile = $1 },
    "RssShmem": { $0.rssShmem = $1 }, "VmSize": { $0.vms = $1 }, "VmHWM": { $0.hwm = $1 }, "VmData": { $0.data = $1 },
    "VmPTE": { $0.pte = $1 }, "VmSwap": { $0.swap = $1 }, "Threads": { $0.threads = $1 },
  ])

  /// Parses the raw bytes of /proc/PID/status without building a String per line.
  package static func parse(_ bytes: UnsafeRawBufferPointer) -> ProcStatus {
    var status = ProcStatus()
    fields.parse(bytes, into: &status)
    return status
  }
}
