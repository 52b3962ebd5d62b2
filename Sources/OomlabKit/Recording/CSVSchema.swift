/// The columns of the time-series CSV, in order; `oomlab columns` prints them, and the README's table must equal it.
package enum CSVSchema {
  static func status(_ name: String, _ field: String, _ meaning: String, _ get: @escaping @Sendable (ProcStatus) -> UInt64)
    -> CSVColumn
  {
    CSVColumn(name: name, unit: name.hasSuffix("_bytes") ? "bytes" : "count", source: "/proc/PID/status \(field)",
      meaning: meaning, value: { CSVValue($0.status.map(get)) })
  }

  /// What the worker alone knows: a foreign program run by `exec` or recorded by `attach` publishes none of it.
  static func shared(_ name: String, _ counter: SharedCounter, _ meaning: String) -> CSVColumn {
    CSVColumn(name: name, unit: name.hasSuffix("_bytes") ? "bytes" : "count",
      source: "worker (shared page)", meaning: meaning + "; empty for exec and attach", value: { CSVValue($0.counter(counter)) })
  }

  /// A managed-heap figure: the worker's own heap under `run`, a Node process's report of V8's under `exec`.
  static func heap(_ name: String, _ counter: SharedCounter, _ node: String, _ meaning: String) -> CSVColumn {
    CSVColumn(name: name, unit: "bytes", source: "worker (shared page); exec: Node's \(node)",
      meaning: meaning + "; under exec only for Node processes, empty for attach", value: { CSVValue($0.heap(counter)) })
  }

  /// Every column, in file order.
  package static let columns: [CSVColumn] = [
    CSVColumn(name: "t_seconds", unit: "seconds", source: "supervisor, CLOCK_MONOTONIC",
      meaning: "time since the worker (exec: the command) was started, or since attach began", value: { .decimal($0.seconds) }),
    CSVColumn(name: "unix_time", unit: "seconds", source: "supervisor, CLOCK_REALTIME",
      meaning: "when the row was sampled, in seconds since the Unix epoch, to match rows with kernel logs and metrics",
      value: { $0.unixTime.map(CSVValue.decimal) ?? .empty }),
    CSVColumn(name: "row", unit: "text", source: "supervisor + worker",
      meaning: "what the row records: `start` (before the first step), `tick` (every interval), `step_start` and `step_end` (sampled while the worker waits at the step's boundary, so a step shorter than a tick appears; a step inside `repeat` only on its first pass), `end` (all steps ran); exec and attach: `tick`",
      value: { .text($0.row.rawValue) }),
    CSVColumn(name: "process", unit: "text", source: "scenario; exec and attach: /proc/PID/stat field 2 (comm)",
      meaning: "the worker's name: `worker`, or its name under `processes:`; exec and attach: the command name",
      value: { .text($0.process) }),
    CSVColumn(name: "pid", unit: "pid", source: "supervisor",
      meaning: "the worker's process ID; exec and attach: one row per live process of the tree at each tick",
      value: { .integer(Int64($0.pid)) }),
    CSVColumn(name: "ppid", unit: "pid", source: "/proc/PID/stat field 4 (ppid)",
      meaning: "the parent's process ID: the supervisor for a worker, exec's command and the orphans it adopts (it is their subreaper)",
      value: { $0.parentPid.map { .integer(Int64($0)) } ?? .empty }),
    CSVColumn(name: "step_index", unit: "index", source: "worker (shared page)",
      meaning: "pre-order index of the step in progress over the whole scenario, nested steps included; empty before the first, and for exec and attach",
      value: { CSVValue($0.stepIndex) }),
    CSVColumn(name: "step", unit: "text", source: "scenario + worker",
      meaning: "kind of the step in progress: `start` before the first step, `end` once all have run; empty for exec and attach",
      value: { .text($0.step) }),
    CSVColumn(name: "step_name", unit: "text", source: "scenario",
      meaning: "the `as:` name of the step in progress; empty when it has none, and for exec and attach",
      value: { .text($0.stepName) }),
    status("rss_bytes", "VmRSS", "resident set size: what the OOM killer weighs", { $0.rss }),
    status("rss_anon_bytes", "RssAnon", "resident anonymous memory: heap, malloc, stacks, anonymous mmap", { $0.rssAnon }),
    status("rss_file_bytes", "RssFile", "resident file-backed memory: the binary and shared libraries", { $0.rssFile }),
    status("rss_shmem_bytes", "RssShmem", "resident shared memory (includes the 4 KiB page shared with the supervisor)", { $0.rssShmem }),
    status("vms_bytes", "VmSize", "virtual address space mapped: reserved, not necessarily resident", { $0.vms }),
    status("hwm_bytes", "VmHWM", "the kernel's own peak RSS since the worker started", { $0.hwm }),
    status("data_bytes", "VmData", "private writable mappings (heap and anonymous mmaps), resident or not", { $0.data }),
    status("pte_bytes", "VmPTE", "page tables that map the process's memory", { $0.pte }),
    status("swap_bytes", "VmSwap", "anonymous memory swapped out", { $0.swap }),
    status("threads", "Threads", "number of threads", { $0.threads }),
    CSVColumn(name: "minor_faults", unit: "count", source: "/proc/PID/stat field 10 (minflt)",
      meaning: "page faults served without I/O, first touches included", value: { CSVValue($0.stat?.minorFaults) }),
    CSVColumn(name: "major_faults", unit: "count", source: "/proc/PID/stat field 12 (majflt)",
      meaning: "page faults that needed I/O", value: { CSVValue($0.stat?.majorFaults) }),
    CSVColumn(name: "oom_score", unit: "points", source: "/proc/PID/oom_score",
      meaning: "the kernel's badness, scaled to the whole machine's RAM + swap (not the cgroup limit)",
      value: { CSVValue($0.oomScore) }),
    CSVColumn(name: "oom_score_adj", unit: "points", source: "/proc/PID/oom_score_adj",
      meaning: "the adjustment added to the badness, -1000...1000", value: { CSVValue($0.oomScoreAdj) }),
    CSVColumn(name: "anon_huge_bytes", unit: "bytes", source: "/proc/PID/smaps_rollup AnonHugePages",
      meaning: "anonymous memory backed by transparent huge pages (read every few ticks)",
      value: { CSVValue($0.rollup?.anonHuge) }),
    CSVColumn(name: "pss_bytes", unit: "bytes", source: "/proc/PID/smaps_rollup Pss",
      meaning: "proportional set size: shared pages split among their users (read every few ticks)",
      value: { CSVValue($0.rollup?.pss) }),
    CSVColumn(name: "pss_anon_bytes", unit: "bytes", source: "/proc/PID/smaps_rollup Pss_Anon",
      meaning: "anonymous memory counted from the page tables, without RssAnon's per-thread lag before Linux 6.2 (read every few ticks)",
      value: { CSVValue($0.rollup?.pssAnon) }),
    shared("buffers_live_bytes", .buffersLiveBytes, "bytes of `buffers` (and `leak of: buffers`) allocated and not freed"),
    shared("native_live_bytes", .nativeLiveBytes,
      "bytes of `native` (and `leak of: native`) malloc'ed and not freed, plus native payloads of `objects` not yet collected"),
    shared("pages_reserved_bytes", .pagesReservedBytes, "bytes of `pages` regions mapped"),
    shared("pages_touched_bytes", .pagesTouchedBytes, "bytes of `pages` regions written (whole pages), or prefaulted with populate"),
    shared("stacks_reserved_bytes", .stacksReservedBytes, "stack bytes reserved by `threads` steps"),
    cgroup("cgroup_usage_bytes", "v2 memory.current; v1 memory.usage_in_bytes",
      "memory charged to the worker's cgroup: what the limit is enforced against", { CSVValue($0.usage) }),
    cgroup("cgroup_limit_bytes", "v2 memory.max; v1 memory.limit_in_bytes",
      "the limit in force", { CSVValue($0.limit) }),
    cgroup("cgroup_peak_bytes", "v2 memory.peak; v1 memory.max_usage_in_bytes",
      "the kernel's own peak of the charge", { CSVValue($0.peak) }),
    cgroup("cgroup_anon_bytes", "memory.stat anon (v2) / total_rss (v1)", "anonymous memory charged", { CSVValue($0.anon) }),
    cgroup("cgroup_file_bytes", "memory.stat file (v2) / total_cache (v1)", "page cache charged", { CSVValue($0.file) }),
    cgroup("cgroup_kernel_bytes", "v2 memory.stat kernel_stack + pagetables + slab; v1 memory.kmem.usage_in_bytes",
      "kernel memory charged: stacks, page tables, slab", { CSVValue($0.kernel) }),
    cgroup("psi_some_avg10", "v2 memory.pressure some avg10 (empty on v1)",
      "% of the last 10 s in which some task stalled on memory", { $0.psiSomeAvg10.map(CSVValue.ratio) ?? .empty }),
    cgroup("psi_full_avg10", "v2 memory.pressure full avg10 (empty on v1)",
      "% of the last 10 s in which all tasks stalled on memory", { $0.psiFullAvg10.map(CSVValue.ratio) ?? .empty }),
    cgroup("oom_kill_events", "v2 memory.events oom_kill; v1 memory.oom_control oom_kill of the workers' own cgroup",
      "OOM kills in the cgroup so far", { CSVValue($0.oomKills) }),
    cgroup("oom_events", "v2 memory.events oom (empty on v1)",
      "times the cgroup reached its limit and reclaim failed, whether or not a process was killed", { CSVValue($0.oomEvents) }),
    cgroup("oom_group_kill_events", "v2 memory.events oom_group_kill (empty on v1 and on kernels before 5.17)",
      "times the whole cgroup was killed at once (memory.oom.group)", { CSVValue($0.oomGroupKills) }),
    CSVColumn(name: "oom_score_cgroup", unit: "points",
      source: "(VmRSS + VmSwap + VmPTE) / page x 1000 / (limit / page) + oom_score_adj, from this row",
      meaning: "the badness mm/oom_kill.c computes inside the cgroup; /proc/PID/oom_score is scaled to the whole machine instead; empty without a limit and for attach",
      value: { CSVValue($0.oomScoreCgroup) }),
    heap("heap_used_bytes", .heapUsedBytes, "process.memoryUsage().heapUsed",
      "managed heap bytes of objects not yet collected, reachable or garbage (Node's heapUsed)"),
    heap("heap_total_bytes", .heapTotalBytes, "process.memoryUsage().heapTotal",
      "managed heap memory committed with mmap: new space's two semi-spaces, old-space pages and large-object pages (Node's heapTotal); falls when a collection releases pages"),
    heap("heap_limit_bytes", .heapLimitBytes,
      "v8.getHeapStatistics().heap_size_limit, the old generation's limit plus the young generation's reservation (three semi-spaces: 48 MiB more at V8's 16 MiB maximum)",
      "the old generation's limit, V8's max_old_generation_size (`--heap-limit`, `heap-limit:`, else 4 GiB; Node's --max-old-space-size): old-space pages' usable bytes plus large objects above it after a full collection is `heap-oom`, as V8 compares its old-generation capacity; under exec Node tells only heap_size_limit, which adds the young generation"),
    heap("external_bytes", .externalBytes, "process.memoryUsage().external",
      "memory outside the heap reported to it: `objects` payloads with `external: true` and `buffers` (Node's external)"),
    CSVColumn(name: "array_buffers_bytes", unit: "bytes", source: "exec: Node's process.memoryUsage().arrayBuffers",
      meaning: "memory of ArrayBuffers and Buffers, part of external_bytes; under exec only for Node processes, empty for run and attach",
      value: { CSVValue($0.node?.arrayBuffers) }),
    CSVColumn(name: "node_report_age_seconds", unit: "seconds",
      source: "supervisor: this row's time minus the report's process.hrtime (both CLOCK_MONOTONIC)",
      meaning: "how old this row's Node figures are: a blocked event loop sends no reports, so the age grows instead of the figures passing for fresh; empty without a report",
      value: { $0.nodeReportAge.map(CSVValue.decimal) ?? .empty }),
    shared("gc_count", .gcCount, "managed heap collections so far, scavenges of new space and full collections alike, started by heap or external pressure or a `gc` step"),
    shared("objects_live", .objectsLive, "managed heap objects still reachable: not `garbage: true`, not freed"),
    // The heap model's own figures in V8's words (Heap::OldGenerationCapacity, Scavenger).
    shared("scavenge_count", .scavengeCount,
      "of gc_count, the scavenges: collections of new space alone, which free dead young objects and their payloads and promote survivors"),
    shared("old_generation_capacity_bytes", .oldGenerationCapacityBytes,
      "what the heap compares with heap_limit_bytes, as V8's Heap::OldGenerationCapacity: usable bytes of old-space pages plus large objects"),
    CSVColumn(name: "allocator", unit: "text", source: "supervisor (--allocator, verified by the worker; exec: found mapped in the command)",
      meaning: "the malloc serving the worker: glibc, jemalloc, or the preloaded library's name; empty for exec without --allocator and for attach",
      value: { .text($0.allocator) }),
    allocator("allocator_allocated_bytes", .allocatorAllocatedBytes,
      "jemalloc `stats.allocated`; glibc `mallinfo2` uordblks + hblkhd", "bytes handed out to the program"),
    allocator("allocator_active_bytes", .allocatorActiveBytes,
      "jemalloc `stats.active`; glibc `mallinfo2` arena + hblkhd",
      "bytes in pages the allocator uses for allocations (glibc: all heap space it got from the OS)"),
    allocator("allocator_resident_bytes", .allocatorResidentBytes,
      "jemalloc `stats.resident`; glibc mincore's resident pages of the [heap] mapping and of the arenas' 64 MiB-aligned sub-heaps in /proc/self/maps (their count and size checked against `malloc_info`), plus `mallinfo2` hblkhd",
      "bytes of allocator pages physically resident: under glibc pages returned by trim no longer count, chunks above the mmap threshold count whole; glibc: empty for a reading whose mappings did not match malloc_info"),
    allocator("allocator_retained_bytes", .allocatorRetainedBytes,
      "jemalloc `stats.retained`; glibc `mallinfo2` fordblks",
      "jemalloc: virtual memory kept but returned to the OS; glibc: free bytes held in free chunks"),
    allocator("allocator_metadata_bytes", .allocatorMetadataBytes, "jemalloc `stats.metadata`; glibc: empty",
      "bytes of the allocator's own bookkeeping"),
    allocator("allocator_arenas", .allocatorArenas,
      "jemalloc: the arenas of `arenas.narenas` whose `arena.<i>.initialized` is true; glibc `<heap nr=` entries of `malloc_info`",
      "arenas made so far: glibc adds one per contending thread up to arena_max, jemalloc one per thread up to narenas (4 x CPUs) and one for its first huge allocation"),
    CSVColumn(name: "allocator_age_seconds", unit: "seconds",
      source: "supervisor: this row's time minus when the worker began the allocator reading (both CLOCK_MONOTONIC)",
      meaning: "how old this row's allocator_* figures and ratios are: mallinfo2 walks every free chunk, so on a fragmented glibc heap the worker reads at most every ten times that walk's cost and the rows between repeat its last reading; empty for exec and attach",
      value: { $0.allocatorAge.map(CSVValue.decimal) ?? .empty }),
    CSVColumn(name: "frag_ratio", unit: "ratio", source: "allocator_resident_bytes / allocator_allocated_bytes",
      meaning: "resident allocator bytes per byte handed out, the same quotient under glibc and jemalloc: above 1 the resident pages also hold free gaps, unpurged pages and the allocator's bookkeeping; below \(ByteSize.format(AllocatorStats.ratioFloorBytes)) allocated it says more about fixed costs, so the summary's peak and the plot leave those rows out; empty for exec and attach",
      value: { ratio($0, .allocatorResidentBytes, .allocatorAllocatedBytes) }),
    CSVColumn(name: "allocator_rss_ratio", unit: "ratio", source: "allocator_resident_bytes / allocator_active_bytes",
      meaning: "Redis's allocator_rss_ratio: resident pages not holding live data (dirty, unpurged); jemalloc only, as glibc's active bytes are all its heap space, returned pages included; empty for exec and attach",
      value: { $0.allocator == "glibc" ? .empty : ratio($0, .allocatorResidentBytes, .allocatorActiveBytes) }),
    CSVColumn(name: "rss_overhead_ratio", unit: "ratio", source: "rss_bytes / allocator_resident_bytes",
      meaning: "Redis's rss_overhead_ratio: process RSS not explained by the allocator (stacks, mmaps, binaries), under glibc and jemalloc alike; empty for exec and attach",
      value: { sample in
        guard let rss = sample.status?.rss, let resident = sample.allocatorValue(.allocatorResidentBytes), resident > 0
        else { return .empty }
        return .ratio(Double(rss) / Double(resident))
      }),
  ]

  static func cgroup(_ name: String, _ source: String, _ meaning: String, _ get: @escaping @Sendable (CgroupReading) -> CSVValue)
    -> CSVColumn
  {
    CSVColumn(name: name, unit: name.hasSuffix("_bytes") ? "bytes" : name.hasPrefix("psi") ? "percent" : "count",
      source: source, meaning: meaning + "; empty without a cgroup (no limit, a simulated one, attach)",
      value: { $0.cgroup.map(get) ?? .empty })
  }

  static func allocator(_ name: String, _ counter: SharedCounter, _ source: String, _ meaning: String) -> CSVColumn {
    CSVColumn(name: name, unit: name.hasSuffix("_bytes") ? "bytes" : "count", source: "worker: \(source)",
      meaning: meaning + "; empty for exec and attach, and in a row whose reading the worker was rewriting throughout",
      value: { CSVValue($0.allocatorValue(counter)) })
  }

  static func ratio(_ sample: Sample, _ numerator: SharedCounter, _ denominator: SharedCounter) -> CSVValue {
    guard let n = sample.allocatorValue(numerator), let d = sample.allocatorValue(denominator), d > 0 else {
      return .empty
    }
    return .ratio(Double(n) / Double(d))
  }

  /// The header line.
  package static var header: String { columns.map(\.name).joined(separator: ",") }
}
