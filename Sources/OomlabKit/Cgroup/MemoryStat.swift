/// The figures oomlab takes from a cgroup's `memory.stat`, in bytes; nil when the file has no such line.
package struct MemoryStat: Equatable, Sendable {
  /// Anonymous memory: v2 `anon`, v1 `total_rss` (or `rss`).
  package var anon: UInt64?
  /// Page cache including tmpfs: v2 `file`, v1 `total_cache` (or `cache`).
  package var file: UInt64?
  /// Kernel stacks of the cgroup's threads: v2 `kernel_stack` (v1 has no such line).
  package var kernelStack: UInt64?
  /// Page tables: v2 `pagetables`.
  package var pageTables: UInt64?
  /// Slab objects: v2 `slab`, or `slab_reclaimable` + `slab_unreclaimable` on kernels before it existed.
  package var slab: UInt64?

  /// Creates an empty record.
  package init() {}

  /// Kernel memory as stack + page tables + slab, or nil when the file breaks down none of them (v1).
  package var kernel: UInt64? {
    if kernelStack == nil && pageTables == nil && slab == nil { return nil }
    return (kernelStack ?? 0) + (pageTables ?? 0) + (slab ?? 0)
  }

  /// Parses the text of memory.stat (v1 or v2).
  package static func parse(_ text: String) -> MemoryStat {
    KeyValueText.withBytes(text) { parse($0) }
  }

  /// Every line read, before the v1 and v2 spellings are folded into one figure each.
  struct Lines {
    var anon, file, kernelStack, pageTables, slab, slabReclaimable, slabUnreclaimable: UInt64?
    var rss, totalRss, cache, totalCache: UInt64?
  }

  static let fields = KeyValueFields<Lines>(separator: 0x20, [
    "anon": { $0.anon = $1 }, "file": { $0.file = $1 }, "kernel_stack": { $0.kernelStack = $1 },
    "pagetables": { $0.pageTables = $1 }, "slab": { $0.slab = $1 }, "slab_reclaimable": { $0.slabReclaimable = $1 },
    "slab_unreclaimable": { $0.slabUnreclaimable = $1 }, "rss": { $0.rss = $1 }, "total_rss": { $0.totalRss = $1 },
    "cache": { $0.cache = $1 }, "total_cache": { $0.totalCache = $1 },
  ])

  /// Parses the raw bytes of memory.stat without building a dictionary, since it is read every tick.
  package static func parse(_ bytes: UnsafeRawBufferPointer) -> MemoryStat {
    var lines = Lines()
    fields.parse(bytes, into: &lines)
    var stat = MemoryStat()
    // v1's total_* lines include descendant cgroups, like v2's figures do.
    stat.anon = lines.anon ?? lines.totalRss ?? lines.rss
    stat.file = lines.file ?? lines.totalCache ?? lines.cache
    stat.kernelStack = lines.kernelStack
    stat.pageTables = lines.pageTables
    stat.slab = lines.slab
    if stat.slab == nil && (lines.slabReclaimable != nil || lines.slabUnreclaimable != nil) {
      stat.slab = (lines.slabReclaimable ?? 0) + (lines.slabUnreclaimable ?? 0)
    }
    return stat
  }
}
