/// Where one cgroup version keeps each memory figure, and how each file fills a reading.
///
/// The two versions name the same concepts differently (v2 `memory.current`, v1
/// `memory.usage_in_bytes`); everything else about reading, limiting and removing a cgroup is the
/// same, so a version is this table and nothing more. A new figure is one row here, one field of
/// `CgroupReading` and one CSV column.
struct CgroupLayout: Sendable {
  /// One file read every tick and what it contributes to the reading.
  struct Figure: Sendable {
    /// The file's name in the cgroup directory.
    let file: String
    /// How many bytes of it are read (single values are short; stat and events are not).
    let capacity: Int
    /// Whether the file is read in the victim's own cgroup rather than the limited one: v1 counts an
    /// OOM kill only in the memcg of the process killed, not in the ancestor whose limit was hit.
    var victimsOwn = false
    /// Stores what the file says into the reading.
    let fill: @Sendable (UnsafeRawBufferPointer, inout CgroupReading) -> Void
  }

  /// The charge the limit is compared with; a cgroup that lacks it is gone.
  let usage: String
  /// The memory limit.
  let limit: String
  /// The swap limit set beside it: v2 caps swap alone, v1 caps memory + swap together.
  let swapLimit: String
  /// The other files read every tick.
  let figures: [Figure]

  /// The layout of a version.
  static func of(_ version: CgroupVersion) -> CgroupLayout {
    switch version {
    case .v1: return v1
    case .v2: return v2
    }
  }

  static let v2 = CgroupLayout(
    usage: "memory.current", limit: "memory.max", swapLimit: "memory.swap.max",
    figures: [
      Figure(file: "memory.max", capacity: 64) { $1.limit = CgroupValue.limit($0) },
      Figure(file: "memory.peak", capacity: 64) { $1.peak = CgroupValue.integer($0) },
      Figure(file: "memory.stat", capacity: 8192) { bytes, reading in
        let stat = MemoryStat.parse(bytes)
        reading.anon = stat.anon
        reading.file = stat.file
        reading.kernel = stat.kernel
      },
      Figure(file: "memory.events", capacity: 512) { bytes, reading in
        let events = MemoryEvents.parse(bytes)
        reading.oomKills = events.oomKill
        reading.oomEvents = events.oom
        reading.oomGroupKills = events.oomGroupKill
      },
      Figure(file: "memory.pressure", capacity: 512) { bytes, reading in
        let pressure = Pressure.parse(bytes)
        reading.psiSomeAvg10 = pressure.someAvg10
        reading.psiFullAvg10 = pressure.fullAvg10
      },
    ])

  static let v1 = CgroupLayout(
    usage: "memory.usage_in_bytes", limit: "memory.limit_in_bytes", swapLimit: "memory.memsw.limit_in_bytes",
    figures: [
      Figure(file: "memory.limit_in_bytes", capacity: 64) { $1.limit = CgroupValue.limit($0) },
      Figure(file: "memory.max_usage_in_bytes", capacity: 64) { $1.peak = CgroupValue.integer($0) },
      Figure(file: "memory.stat", capacity: 8192) { bytes, reading in
        let stat = MemoryStat.parse(bytes)
        reading.anon = stat.anon
        reading.file = stat.file
      },
      // v1 memory.stat has no stack/page-table/slab lines; kmem usage is the kernel memory it does count.
      Figure(file: "memory.kmem.usage_in_bytes", capacity: 64) { $1.kernel = CgroupValue.integer($0) },
      Figure(file: "memory.oom_control", capacity: 256, victimsOwn: true) { $1.oomKills = OomControl.parse($0).oomKill },
    ])
}
