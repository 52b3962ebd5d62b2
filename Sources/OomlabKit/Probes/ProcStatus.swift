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

  static let keys: [[UInt8]] = [
    "VmRSS", "RssAnon", "RssFile", "RssShmem", "VmSize", "VmHWM", "VmData", "VmPTE", "VmSwap", "Threads",
  ].map { Array($0.utf8) }

  /// Parses the raw bytes of /proc/PID/status without building a String per line.
  public static func parse(_ bytes: UnsafeRawBufferPointer) -> ProcStatus {
    var status = ProcStatus()
    KeyValueText.scan(bytes, keys: keys) { index, value in
      switch index {
      case 0: status.rss = value
      case 1: status.rssAnon = value
      case 2: status.rssFile = value
      case 3: status.rssShmem = value
      case 4: status.vms = value
      case 5: status.hwm = value
      case 6: status.data = value
      case 7: status.pte = value
      case 8: status.swap = value
      default: status.threads = value
      }
    }
    return status
  }
}
