/// The memory figures of `/proc/PID/status`, in bytes.
public struct ProcStatus: Equatable, Sendable {
  /// `VmRSS`: resident set size, the sum of the three parts below.
  public var rss: UInt64 = 0
  /// `RssAnon`: resident anonymous memory (heap, stacks, anonymous mappings).
  public var rssAnon: UInt64 = 0
  /// `RssFile`: resident file-backed memory (binaries, shared libraries).
  public var rssFile: UInt64 = 0
  /// `RssShmem`: resident shared memory (tmpfs, System V and shared anonymous mappings).
  public var rssShmem: UInt64 = 0
  /// `VmSize`: total mapped virtual address space.
  public var vms: UInt64 = 0
  /// `VmHWM`: the kernel's own peak of VmRSS.
  public var hwm: UInt64 = 0
  /// `VmData`: private writable, non-stack mappings (heap and anonymous mmaps).
  public var data: UInt64 = 0
  /// `VmPTE`: page-table memory.
  public var pte: UInt64 = 0
  /// `VmSwap`: swapped-out anonymous memory.
  public var swap: UInt64 = 0
  /// `Threads`: the number of threads.
  public var threads: UInt64 = 0

  /// Creates an empty reading.
  public init() {}

  /// Parses the text of /proc/PID/status.
  public static func parse(_ text: String) -> ProcStatus {
    var copy = text
    return copy.withUTF8 { parse(UnsafeRawBufferPointer($0)) }
  }

  /// Parses the raw bytes of /proc/PID/status without copying them into a String.
  public static func parse(_ bytes: UnsafeRawBufferPointer) -> ProcStatus {
    var status = ProcStatus()
    KeyValueText.scan(bytes) { key, value in
      switch key {
      case "VmRSS": status.rss = value
      case "RssAnon": status.rssAnon = value
      case "RssFile": status.rssFile = value
      case "RssShmem": status.rssShmem = value
      case "VmSize": status.vms = value
      case "VmHWM": status.hwm = value
      case "VmData": status.data = value
      case "VmPTE": status.pte = value
      case "VmSwap": status.swap = value
      case "Threads": status.threads = value
      default: break
      }
    }
    return status
  }
}
