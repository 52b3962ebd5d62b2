/// The figures oomlab takes from a cgroup's `memory.stat`, in bytes; nil when the file has no such line.
public struct MemoryStat: Equatable, Sendable {
  /// Anonymous memory: v2 `anon`, v1 `total_rss` (or `rss`).
  public var anon: UInt64?
  /// Page cache including tmpfs: v2 `file`, v1 `total_cache` (or `cache`).
  public var file: UInt64?
  /// Kernel stacks of the cgroup's threads: v2 `kernel_stack` (v1 has no such line).
  public var kernelStack: UInt64?
  /// Page tables: v2 `pagetables`.
  public var pageTables: UInt64?
  /// Slab objects: v2 `slab`, or `slab_reclaimable` + `slab_unreclaimable` on kernels before it existed.
  public var slab: UInt64?
  /// Swapped-out anonymous memory: v1 `total_swap` (or `swap`); v2 reports it in memory.swap.current instead.
  public var swap: UInt64?
  /// v1 `hierarchical_memory_limit`: the smallest limit on the way to the root, or nil when unlimited.
  public var hierarchicalLimit: UInt64?

  /// Creates an empty record.
  public init() {}

  /// Kernel memory as stack + page tables + slab, or nil when the file breaks down none of them (v1).
  public var kernel: UInt64? {
    if kernelStack == nil && pageTables == nil && slab == nil { return nil }
    return (kernelStack ?? 0) + (pageTables ?? 0) + (slab ?? 0)
  }

  /// Parses the text of memory.stat (v1 or v2).
  public static func parse(_ text: String) -> MemoryStat {
    KeyValueText.withBytes(text) { parse($0) }
  }

  static let keys = KeyValueText.keys(["anon", "file", "kernel_stack", "pagetables", "slab", "slab_reclaimable", "slab_unreclaimable", "rss", "total_rss", "cache", "total_cache", "swap", "total_swap", "hierarchical_memory_limit"])

  /// Parses the raw bytes of memory.stat without building a dictionary, since it is read every tick.
  public static func parse(_ bytes: UnsafeRawBufferPointer) -> MemoryStat {
    var stat = MemoryStat()
    var rss: UInt64?
    var totalRss: UInt64?
    var cache: UInt64?
    var totalCache: UInt64?
    var swap: UInt64?
    var totalSwap: UInt64?
    var reclaimable: UInt64?
    var unreclaimable: UInt64?
    KeyValueText.scan(bytes, keys: keys, separator: 0x20) { index, value in
      switch index {
      case 0: stat.anon = value
      case 1: stat.file = value
      case 2: stat.kernelStack = value
      case 3: stat.pageTables = value
      case 4: stat.slab = value
      case 5: reclaimable = value
      case 6: unreclaimable = value
      case 7: rss = value
      case 8: totalRss = value
      case 9: cache = value
      case 10: totalCache = value
      case 11: swap = value
      case 12: totalSwap = value
      default: stat.hierarchicalLimit = value < CgroupValue.unlimitedThreshold ? value : nil
      }
    }
    // v1's total_* lines include descendant cgroups, like v2's figures do.
    if stat.anon == nil { stat.anon = totalRss ?? rss }
    if stat.file == nil { stat.file = totalCache ?? cache }
    stat.swap = totalSwap ?? swap
    if stat.slab == nil && (reclaimable != nil || unreclaimable != nil) {
      stat.slab = (reclaimable ?? 0) + (unreclaimable ?? 0)
    }
    return stat
  }
}
