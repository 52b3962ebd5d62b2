import Testing

@testable import OomlabKit

/// The pure parsers of cgroup files, fed the kernel's text.
struct CgroupParserTests {
  @Test func singleValues() {
    #expect(CgroupValue.integer("104857600\n") == 104_857_600)
    #expect(CgroupValue.integer("max\n") == nil)
    #expect(CgroupValue.integer("99999999999999999999999\n") == nil)
    #expect(CgroupValue.limit("max\n") == nil)
    #expect(CgroupValue.limit("134217728\n") == 134_217_728)
    #expect(CgroupValue.limit("9223372036854771712\n") == nil)  // v1 unlimited with 4 KiB pages
    #expect(CgroupValue.limit("9223372036854710272\n") == nil)  // v1 unlimited with 64 KiB pages
    #expect(CgroupValue.pids("3932\n3934\n5136\n") == [3932, 3934, 5136])
    #expect(CgroupValue.pids("") == [])
    #expect(CgroupValue.words("cpu io memory pids\n") == ["cpu", "io", "memory", "pids"])
  }

  @Test func memoryStatV2() {
    let stat = MemoryStat.parse(
      """
      anon 1048576
      file 2097152
      kernel 400000
      kernel_stack 16384
      pagetables 8192
      percpu 0
      sock 0
      shmem 4096
      slab_reclaimable 1000
      slab_unreclaimable 2000
      slab 3000
      workingset_refault_anon 0

      """)
    #expect(stat.anon == 1_048_576)
    #expect(stat.file == 2_097_152)
    #expect(stat.kernelStack == 16384)
    #expect(stat.pageTables == 8192)
    #expect(stat.slab == 3000)
    #expect(stat.kernel == 16384 + 8192 + 3000)
  }

  @Test func memoryStatV2BeforeTheSlabLine() {
    let stat = MemoryStat.parse("anon 1\nslab_reclaimable 1000\nslab_unreclaimable 2000\n")
    #expect(stat.slab == 3000)
    #expect(stat.kernel == 3000)
  }

  @Test func memoryStatV1() {
    // This machine's own memory.stat.
    let stat = MemoryStat.parse(
      """
      cache 458752
      rss 1687552
      rss_huge 0
      shmem 0
      mapped_file 0
      dirty 40960
      swap 0
      pgfault 39428
      hierarchical_memory_limit 9223372036854771712
      hierarchical_memsw_limit 9223372036854771712
      total_cache 500000
      total_rss 1700000
      total_swap 4096

      """)
    // The total_ lines include child cgroups, like v2's figures.
    #expect(stat.anon == 1_700_000)
    #expect(stat.file == 500_000)
    #expect(stat.kernel == nil)
    #expect(MemoryStat.parse("rss 10\ncache 20\n").anon == 10)
    // The CSV's sources name the lines preferred, not the fallbacks.
    let source = { (name: String) in CSVSchema.columns.first { $0.name == name }?.source ?? "" }
    #expect(source("cgroup_anon_bytes").hasSuffix("/ total_rss (v1)"), "\(source("cgroup_anon_bytes"))")
    #expect(source("cgroup_file_bytes").hasSuffix("/ total_cache (v1)"), "\(source("cgroup_file_bytes"))")
  }

  @Test func memoryEvents() {
    let events = MemoryEvents.parse("low 0\nhigh 3\nmax 12\noom 2\noom_kill 1\noom_group_kill 0\n")
    #expect(events.oom == 2)
    #expect(events.oomKill == 1)
    #expect(events.oomGroupKill == 0)
    // Before Linux 4.13 there was no oom_kill line: unknown, not zero.
    #expect(MemoryEvents.parse("low 0\nhigh 0\nmax 0\noom 0\n").oomKill == nil)
  }

  @Test func oomControl() {
    let control = OomControl.parse("oom_kill_disable 0\nunder_oom 0\noom_kill 3\n")
    #expect(control.oomKill == 3)
    let old = OomControl.parse("oom_kill_disable 1\nunder_oom 1\n")
    #expect(old.oomKill == nil)
  }

  @Test func pressure() {
    let pressure = Pressure.parse(
      "some avg10=1.53 avg60=0.42 avg300=0.09 total=2087391\nfull avg10=0.98 avg60=0.21 avg300=0.04 total=1204863\n")
    #expect(pressure.someAvg10 == 1.53)
    #expect(pressure.fullAvg10 == 0.98)
    #expect(Pressure.parse("") == Pressure())
    // Every value the kernel prints ("%lu.%02lu") reads as Double's own parse of it.
    for hundredths in [0, 1, 9, 10, 99, 100, 1234, 5050, 9999, 10000] {
      let text = "\(hundredths / 100).\(hundredths % 100 < 10 ? "0" : "")\(hundredths % 100)"
      #expect(Pressure.parse("some avg10=\(text) avg60=0.00 avg300=0.00 total=1\n").someAvg10 == Double(text), "\(text)")
    }
    // avg10 is read where the kernel prints it, first on its line; a line without a number leaves it empty.
    #expect(Pressure.parse("full avg10=2.50 avg60=0.00\n").fullAvg10 == 2.5)
    #expect(Pressure.parse("full avg10=2.50 avg60=0.00\n").someAvg10 == nil)
    #expect(Pressure.parse("some avg10= avg60=1.00\n").someAvg10 == nil)
    #expect(Pressure.parse("some avg60=1.00 avg10=3.00\n").someAvg10 == nil)
  }
}
