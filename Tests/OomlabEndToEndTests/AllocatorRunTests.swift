import Foundation
import Testing

@testable import OomlabKit
import OomlabTestSupport

/// Whether jemalloc can be preloaded here; CI installs it through scripts/test.sh.
/// Runs under glibc and jemalloc through the built binary, checked against the kernel's RSS.
@Suite(.serialized)
struct AllocatorRunTests {
  static let fragmentation = """
    name: fragmentation
    sample: 50ms
    steps:
      - native: { count: 200000, size: 1KiB, as: small }
      - hold: 150ms
      - free: { what: small, fraction: 0.9, pattern: random, seed: 7 }
      - hold: 300ms
      - trim
      - hold: 200ms
    """

  /// The peak RSS, the RSS at the last row before the `trim` step (index 4) began, and at the end.
  ///
  /// Rows are told apart by step_index, not by a row labelled `trim`: a fast trim can fall between ticks.
  static func rss(_ csv: CSVTable) -> (peak: Double, beforeTrim: Double, end: Double) {
    let steps = csv.column("step_index")
    let rss = csv.numbers("rss_bytes")
    let before = zip(steps, rss).filter { (Int($0.0) ?? -1) < 4 }.map(\.1)
    return (rss.max() ?? 0, before.last ?? 0, csv.value("rss_bytes", atStep: "end").last ?? 0)
  }

  @Test(.enabled(if: jemallocPath != nil, "jemalloc is not installed (apt-get install libjemalloc-dev)"))
  func glibcKeepsFragmentsUntilTrimAndJemallocDecaysWithout() throws {
    let glibc = try OomlabProcess.run(Self.fragmentation, arguments: ["--allocator", "glibc"])
    defer { glibc.cleanUp() }
    #expect(glibc.status == 0, "\(glibc.stderr)")
    let g = Self.rss(try #require(glibc.csv))
    #expect(g.beforeTrim >= 0.8 * g.peak, "glibc RSS fell from \(g.peak / MiB) to \(g.beforeTrim / MiB) MiB before trim")
    #expect(g.end <= 0.6 * g.beforeTrim, "glibc trim took RSS from \(g.beforeTrim / MiB) to \(g.end / MiB) MiB")

    let jemalloc = try OomlabProcess.run(
      Self.fragmentation, arguments: ["--allocator", "jemalloc", "--malloc-conf", "dirty_decay_ms:0,muzzy_decay_ms:0"])
    defer { jemalloc.cleanUp() }
    #expect(jemalloc.status == 0, "\(jemalloc.stderr)")
    let j = Self.rss(try #require(jemalloc.csv))
    #expect(j.beforeTrim <= 0.6 * j.peak, "jemalloc RSS went from \(j.peak / MiB) to \(j.beforeTrim / MiB) MiB without trim")
    #expect(jemalloc.csv?.column("allocator").last == "jemalloc")
  }

  @Test(.enabled(if: jemallocPath != nil, "jemalloc is not installed (apt-get install libjemalloc-dev)"))
  func jemallocStatisticsAreConsistentWithTheKernel() throws {
    let result = try OomlabProcess.run(
      """
      name: je-alloc-only
      sample: 20ms
      steps:
        - native: { count: 50000, size: [512, 8KiB], seed: 5 }
        - hold: 100ms
      """, arguments: ["--allocator", "jemalloc"])
    defer { result.cleanUp() }
    #expect(result.status == 0, "\(result.stderr)")
    let csv = try #require(result.csv)
    let allocated = csv.column("allocator_allocated_bytes")
    let active = csv.column("allocator_active_bytes")
    let resident = csv.column("allocator_resident_bytes")
    let steps = csv.column("step")
    var quiet = 0
    for i in csv.rows.indices {
      guard let a = Double(allocated[i]), let b = Double(active[i]), let c = Double(resident[i]) else { continue }
      #expect(b <= c, "row \(i): active \(b) resident \(c)")
      // While the main thread allocates, jemalloc's epoch refresh adds up an arena's active pages before its
      // bins' live regions, so a reading taken mid-growth can show allocated ahead of active (by up to 6.7 MiB
      // in 80 runs here); once the worker holds still, one reading is one state and allocated <= active.
      guard steps[i] != "native" else { continue }
      #expect(a <= b, "row \(i) (\(steps[i])): allocated \(a) active \(b)")
      quiet += 1
    }
    #expect(quiet >= 4, "only \(quiet) rows were taken while the worker held still")
    // The allocator's resident growth matches the kernel's anonymous RSS growth within 10%.
    let residentGrowth = try #require(Double(resident.last!)) - (try #require(resident.compactMap(Double.init).first))
    let anon = csv.numbers("rss_anon_bytes")
    #expect(!resident[0].isEmpty, "the start row carries the allocator's baseline")
    let anonGrowth = anon.last! - anon[0]
    #expect(abs(residentGrowth - anonGrowth) <= 0.1 * anonGrowth, "resident +\(residentGrowth / MiB) MiB, RssAnon +\(anonGrowth / MiB) MiB")
  }

  @Test func glibcInUseTracksLiveNativeBytes() throws {
    let result = try OomlabProcess.run(
      """
      name: glibc-in-use
      sample: 20ms
      steps:
        - native: { count: 100000, size: 1KiB }
        - hold: 100ms
      """, arguments: ["--allocator", "glibc"])
    defer { result.cleanUp() }
    #expect(result.status == 0, "\(result.stderr)")
    let csv = try #require(result.csv)
    let allocated = csv.numbers("allocator_allocated_bytes")
    let live = try #require(csv.last("native_live_bytes"))
    let growth = try #require(allocated.last) - (try #require(allocated.first))
    // Tolerance: 10%, plus glibc's 16-byte chunk header per block, plus the worker's own
    // 32-byte record per block, which is malloc'ed from the same heap.
    let overhead = 100_000.0 * (16 + 32)
    #expect(growth >= live, "in-use grew \(growth), live \(live)")
    #expect(growth <= live * 1.1 + overhead, "in-use grew \(growth), live \(live)")
  }

  @Test func threadsMakeGlibcArenasAndArenaMaxCapsThem() throws {
    let scenario = """
      name: arenas
      sample: 50ms
      steps:
        - native: { count: 80000, size: [64, 2KiB], threads: 8 }
        - hold: 300ms
      """
    let open = try OomlabProcess.run(scenario, arguments: ["--allocator", "glibc"])
    defer { open.cleanUp() }
    let capped = try OomlabProcess.run(scenario, arguments: ["--allocator", "glibc", "--arena-max", "1"])
    defer { capped.cleanUp() }
    #expect(open.status == 0 && capped.status == 0, "\(open.stderr)\(capped.stderr)")
    let many = try #require(open.csv?.max("allocator_arenas"))
    let one = try #require(capped.csv?.max("allocator_arenas"))
    #expect(many >= 3, "arenas without a cap: \(many)")
    #expect(one == 1)
  }

  /// A C program with a main thread and N threads that each keep a block, printing jemalloc's arena slots
  /// (`opt.narenas`) and how many arenas it has initialized, both read through mallctl by name.
  static let jemallocArenasProgram = """
    #include <dlfcn.h>
    #include <pthread.h>
    #include <stdbool.h>
    #include <stdio.h>
    #include <stdlib.h>
    typedef int (*mallctl_fn)(const char *, void *, size_t *, void *, size_t);
    static pthread_barrier_t barrier;
    static void *volatile kept[64];
    static void *work(void *slot) {
      kept[(long)slot] = malloc(1000);
      pthread_barrier_wait(&barrier);
      pthread_barrier_wait(&barrier);
      return NULL;
    }
    int main(int argc, char **argv) {
      int n = atoi(argv[1]);
      mallctl_fn ctl = (mallctl_fn)dlsym(RTLD_DEFAULT, "mallctl");
      if (!ctl || n > 63) return 1;
      kept[0] = malloc(100);
      pthread_barrier_init(&barrier, NULL, n + 1);
      pthread_t threads[64];
      for (long i = 0; i < n; i++) pthread_create(&threads[i], NULL, work, (void *)(i + 1));
      pthread_barrier_wait(&barrier);
      unsigned slots = 0, automatic = 0, initialized = 0;
      size_t length = sizeof slots;
      ctl("arenas.narenas", &slots, &length, NULL, 0);
      length = sizeof automatic;
      ctl("opt.narenas", &automatic, &length, NULL, 0);
      for (unsigned i = 0; i < slots; i++) {
        char name[64];
        bool yes = false;
        length = sizeof yes;
        snprintf(name, sizeof name, "arena.%u.initialized", i);
        if (ctl(name, &yes, &length, NULL, 0) == 0 && yes) initialized++;
      }
      printf("%u %u\\n", automatic, initialized);
      pthread_barrier_wait(&barrier);
      for (int i = 0; i < n; i++) pthread_join(threads[i], NULL);
      return 0;
    }
    """

  @Test(.enabled(if: jemallocPath != nil && CProgram.unavailable == nil, "needs jemalloc and a C compiler"))
  func jemallocArenasCountTheArenasThreadsMadeLikeACProgram() throws {
    let program = try CProgram(Self.jemallocArenasProgram, flags: ["-pthread"])
    defer { program.cleanUp() }
    let c = try program.run(["3"], environment: ["LD_PRELOAD": try #require(jemallocPath)])
      .split(separator: " ").compactMap { Double($0.trimmingCharacters(in: .whitespacesAndNewlines)) }
    try #require(c.count == 2)
    let (automatic, cArenas) = (c[0], c[1])
    // jemalloc gives each thread that allocates an arena of its own until it has made opt.narenas.
    #expect(cArenas == min(4, automatic), "a main thread and 3 others made \(cArenas) arenas")
    let result = try OomlabProcess.run(
      """
      name: je-arenas
      sample: 20ms
      steps:
        - hold: 60ms
        - native: { count: 30000, size: [64, 2KiB], threads: 3 }
        - hold: 60ms
      """, arguments: ["--allocator", "jemalloc"])
    defer { result.cleanUp() }
    #expect(result.status == 0, "\(result.stderr)")
    let csv = try #require(result.csv)
    // The worker has the statistics thread on top: one arena more than the C program, not the slot count.
    let before = try #require(csv.value("allocator_arenas", atStepIndex: 0).last)
    let after = try #require(csv.last("allocator_arenas"))
    #expect(before >= 1 && before <= 2, "before the native threads: \(before) arenas")
    #expect(after >= min(cArenas + 1, automatic) && after <= min(cArenas + 2, automatic), "after: \(after) arenas, C: \(cArenas)")
  }

  @Test func thousandsOfMappingsLeaveGlibcsMmapThresholdAlone() throws {
    // 8,000 pages regions are 8,000 mappings. Blocks of 150 KiB are above glibc's 128 KiB mmap threshold: freeing
    // them unmaps them, unless the worker's own reading of its maps freed an mmapped array and raised the threshold.
    let result = try OomlabProcess.run(
      """
      name: own-mallocs
      sample: 20ms
      steps:
        - repeat:
            times: 8000
            steps:
              - pages: { size: 4KiB }
        - hold: 200ms
        - native: { count: 20, size: 150KiB, as: big }
        - free: { what: big, fraction: 0.5, pattern: every-other }
        - hold: 60ms
      """, arguments: ["--allocator", "glibc"])
    defer { result.cleanUp() }
    #expect(result.status == 0, "\(result.stderr)")
    let csv = try #require(result.csv)
    let active = csv.value("allocator_active_bytes", atStepIndex: 4)
    let retained = csv.value("allocator_retained_bytes", atStepIndex: 4)
    let (activeBefore, activeAfter) = (try #require(active.first), try #require(active.last))
    let (retainedBefore, retainedAfter) = (try #require(retained.first), try #require(retained.last))
    // Ten blocks of 150 KiB freed: 1.5 MiB unmapped, none of it kept in free chunks.
    #expect(activeBefore - activeAfter >= 1 * MiB, "active went from \(activeBefore) to \(activeAfter)")
    #expect(retainedAfter - retainedBefore <= 0.5 * MiB, "retained went from \(retainedBefore) to \(retainedAfter)")
  }

  @Test func aDefeatedPreloadFailsLoudly() throws {
    // A library that is not a malloc stands in for jemalloc: the worker must notice glibc still serves malloc.
    let notAMalloc = ["/lib/x86_64-linux-gnu/libz.so.1", "/usr/lib/x86_64-linux-gnu/libz.so.1", "/lib/aarch64-linux-gnu/libz.so.1"]
      .first { FileManager.default.fileExists(atPath: $0) }
    let impostor = try #require(notAMalloc, "no libz to stand in for a broken jemalloc")
    let directory = try OomlabProcess.temporaryDirectory()
    defer { try? FileManager.default.removeItem(at: directory) }
    let scenario = directory.appendingPathComponent("s.yaml")
    try "name: defeated\nsteps:\n  - hold: 10ms\n".write(to: scenario, atomically: true, encoding: .utf8)
    let result = try OomlabProcess.invoke(
      ["run", scenario.path, "--allocator", "jemalloc", "--csv", directory.appendingPathComponent("o.csv").path],
      directory: directory, environment: ["OOMLAB_JEMALLOC": impostor])
    #expect(result.status == 3)
    #expect(result.stderr.contains("asked for jemalloc but malloc is served by"), "\(result.stdout)\(result.stderr)")
    #expect(!result.stderr.contains("allocator_allocated"))
  }

  @Test func aMissingAllocatorSaysHowToInstallIt() {
    let failure = AllocatorLocator.Failure.notFound("jemalloc", searched: ["/usr/lib"])
    #expect(failure.description.contains("apt-get install libjemalloc-dev"))
    #expect(AllocatorLocator.parseLoaderCache(
      "\tlibjemalloc.so.2 (libc6,x86-64) => /lib/x86_64-linux-gnu/libjemalloc.so.2\n", names: ["libjemalloc.so.2"])
      == "/lib/x86_64-linux-gnu/libjemalloc.so.2")
  }

  @Test(.enabled(if: jemallocPath != nil, "jemalloc is not installed (apt-get install libjemalloc-dev)"))
  func matrixWritesOneCSVPerRunAndASummary() throws {
    let directory = try OomlabProcess.temporaryDirectory()
    defer { try? FileManager.default.removeItem(at: directory) }
    for name in ["a", "b"] {
      try "name: \(name)\nsample: 20ms\nsteps:\n  - native: { count: 1000, size: 1KiB }\n".write(
        to: directory.appendingPathComponent("\(name).yaml"), atomically: true, encoding: .utf8)
    }
    let out = directory.appendingPathComponent("out")
    let result = try OomlabProcess.invoke(
      ["matrix", "a.yaml", "b.yaml", "--allocator", "glibc,jemalloc", "--out", out.path], directory: directory)
    #expect(result.status == 0, "\(result.stderr)")
    let files = try FileManager.default.contentsOfDirectory(atPath: out.path)
    #expect(files.filter { $0.hasSuffix(".csv") && $0 != "summary.csv" }.count == 4)
    let summary = CSVTable(try String(contentsOf: out.appendingPathComponent("summary.csv"), encoding: .utf8))
    #expect(summary.rows.count == 4)
    #expect(Set(summary.column("allocator")) == ["glibc", "jemalloc"])
    #expect(summary.column("outcome").allSatisfy { $0 == "completed" })
  }
}
