import Foundation
import Glibc
import Testing

@testable import OomlabKit

private let KiB: UInt64 = 1 << 10
private let chunk = ManagedHeap.defaultChunkSize

/// The managed heap in-process: its figures, collection, compaction, triggers and limit.
@Suite struct ManagedHeapTests {
  @Test func objectsAreAlignedAndChunksCommittedAsTheyFill() throws {
    let heap = ManagedHeap(limit: 64 << 20)
    #expect(heap.figures.totalBytes == 0 && heap.chunkCount == 0)
    try heap.allocate(size: 1)
    #expect(heap.figures.usedBytes == ManagedHeap.alignment)
    #expect(heap.figures.totalBytes == chunk)
    for _ in 0..<64 { try heap.allocate(size: 4 * KiB) }
    // 8 + 64 x 4 KiB overflow the first 256 KiB chunk by one object.
    #expect(heap.figures.usedBytes == 8 + 64 * 4 * KiB)
    #expect(heap.chunkCount == 2)
    #expect(heap.figures.totalBytes == 2 * chunk)
    #expect(heap.figures.liveObjects == 65)
    #expect(heap.figures.collections == 0)
  }

  @Test func largeObjectsGetAChunkOfTheirOwn() throws {
    let heap = ManagedHeap(limit: 64 << 20)
    try heap.allocate(size: 200 * KiB + 1)
    let page = UInt64(sysconf(Int32(_SC_PAGESIZE)))
    #expect(heap.figures.totalBytes == (200 * KiB + 8 + page - 1) / page * page)
    try heap.allocate(size: 1 * KiB)
    #expect(heap.chunkCount == 2)
  }

  @Test func garbageCountsInHeapUsedUntilACollection() throws {
    let heap = ManagedHeap(limit: 64 << 20)
    for i in 0..<200 { try heap.allocate(size: 4 * KiB, garbage: i % 2 == 0) }
    #expect(heap.figures.usedBytes == 200 * 4 * KiB)
    #expect(heap.figures.liveObjects == 100)
    heap.collect()
    #expect(heap.figures.usedBytes == 100 * 4 * KiB)
    #expect(heap.figures.liveObjects == 100)
    #expect(heap.figures.collections == 1)
  }

  @Test func freeingTheOldestHalfUnmapsTheirChunks() throws {
    let heap = ManagedHeap(limit: 64 << 20)
    for _ in 0..<256 { try heap.allocate(size: 4 * KiB, name: "batch") }
    #expect(heap.chunkCount == 4)
    #expect(heap.makeGarbage(named: "batch", fraction: 0.5, pattern: .oldest, seed: 1) == 128)
    // Making objects garbage frees nothing: only a collection does.
    #expect(heap.figures.usedBytes == 256 * 4 * KiB)
    #expect(heap.figures.liveObjects == 128)
    heap.collect()
    #expect(heap.chunkCount == 2)
    #expect(heap.figures.totalBytes == 2 * chunk)
    #expect(heap.figures.usedBytes == 128 * 4 * KiB)
  }

  @Test func chunksHalfDeadAreCompactedAndLightlyFragmentedOnesStay() throws {
    let heap = ManagedHeap(limit: 64 << 20)
    let names = ["keep", "b", "keep", "c"]
    for i in 0..<512 { try heap.allocate(size: 4 * KiB, name: names[i % 4]) }
    #expect(heap.chunkCount == 8)
    // A quarter dead in every chunk: below the evacuation threshold, nothing moves.
    heap.makeGarbage(named: "b", fraction: 1, pattern: .oldest, seed: 1)
    heap.collect()
    #expect(heap.chunkCount == 8)
    #expect(heap.figures.usedBytes == 384 * 4 * KiB)
    // Another quarter: now half of every chunk is dead and the survivors move together.
    heap.makeGarbage(named: "c", fraction: 1, pattern: .oldest, seed: 1)
    heap.collect()
    #expect(heap.figures.usedBytes == 256 * 4 * KiB)
    #expect(heap.chunkCount == 4)
    #expect(heap.figures.totalBytes == 4 * chunk)
  }

  @Test func nativePayloadsAreFreedOnlyByACollection() throws {
    let heap = ManagedHeap(limit: 64 << 20)
    for _ in 0..<10 { try heap.allocate(size: 64, garbage: true, payload: 1 << 20) }
    #expect(heap.figures.payloadBytes == 10 << 20)
    #expect(heap.figures.externalBytes == 0)
    #expect(heap.figures.usedBytes == 640)
    heap.collect()
    #expect(heap.figures.payloadBytes == 0)
    #expect(heap.figures.totalBytes == 0)
  }

  @Test func unreportedPayloadsNeverTriggerACollectionButReportedOnesDo() throws {
    let silent = ManagedHeap()
    for _ in 0..<70 { try silent.allocate(size: 1 * KiB, garbage: true, payload: 1 << 20) }
    #expect(silent.figures.collections == 0)
    #expect(silent.figures.payloadBytes == 70 << 20)

    let reported = ManagedHeap()
    for _ in 0..<70 { try reported.allocate(size: 1 * KiB, garbage: true, payload: 1 << 20, external: true) }
    #expect(reported.figures.collections == 1)
    // The 65th payload passed the 64 MiB external allowance; the collection freed the first 64.
    #expect(reported.figures.payloadBytes == 6 << 20)
    #expect(reported.figures.externalBytes == 6 << 20)
  }

  @Test func reportedBuffersCountAsExternalAndCanCollect() throws {
    let heap = ManagedHeap()
    try heap.allocate(size: 1 * KiB, garbage: true, payload: 1 << 20)
    heap.adjustExternal(by: 32 << 20)
    #expect(heap.figures.externalBytes == 32 << 20)
    #expect(heap.figures.collections == 0)
    heap.adjustExternal(by: 40 << 20)
    #expect(heap.figures.collections == 1)
    #expect(heap.figures.payloadBytes == 0)
    heap.adjustExternal(by: -72 << 20)
    #expect(heap.figures.externalBytes == 0)
  }

  @Test func aMostlyGarbageHeapCollectsBeforeItsLimit() throws {
    let heap = ManagedHeap(limit: 32 << 20)
    // 80 MiB allocated, 90% of it garbage at once: never more than the limit at a time.
    for i in 0..<20_480 { try heap.allocate(size: 4 * KiB, garbage: i % 10 != 0) }
    #expect(heap.figures.collections >= 1)
    #expect(heap.figures.liveObjects == 2048)
    #expect(heap.figures.usedBytes <= 32 << 20)
  }

  @Test func liveObjectsPastTheLimitAfterAFullCollectionThrowHeapOutOfMemory() throws {
    let heap = ManagedHeap(limit: 1 << 20)
    let error = try #require(
      #expect(throws: HeapOutOfMemory.self) { for _ in 0..<1000 { try heap.allocate(size: 4 * KiB) } })
    #expect(error.requestedBytes == 4 * KiB)
    #expect(error.figures.usedBytes == 1 << 20)
    #expect(error.figures.limitBytes == 1 << 20)
    #expect(error.figures.collections == 1)
    #expect(error.beforeCollection.usedBytes == 1 << 20)
    #expect(error.description.hasPrefix(HeapOutOfMemory.fatalLine))
    #expect(error.description.contains("heap_used 1.0 MiB, heap_total 1.0 MiB, heap_limit 1.0 MiB, external 0 B"))
    let report = error.report(pid: 42)
    #expect(report.contains("[42] Mark-Compact 1.0 (1.0) -> 1.0 (1.0) MB, allocation failure"))
    #expect(report.contains(HeapOutOfMemory.fatalLine + "\n"))
    #expect(report.contains("heap_used 1048576 bytes, heap_total 1048576 bytes, heap_limit 1048576 bytes"))
    #expect(report.contains("bytes after 1 collection\n"), "\(report)")
    #expect(!report.contains("1 collections"))
  }

  @Test func makeGarbageChoosesAmongReachableObjectsOfTheNamedStep() throws {
    let heap = ManagedHeap(limit: 64 << 20)
    for _ in 0..<10 { try heap.allocate(size: 64, name: "a") }
    for _ in 0..<10 { try heap.allocate(size: 64, name: "b") }
    for _ in 0..<10 { try heap.allocate(size: 64, garbage: true, name: "b") }
    #expect(heap.makeGarbage(named: "b", fraction: 0.5, pattern: .random, seed: 7) == 5)
    #expect(heap.makeGarbage(named: "b", fraction: 1, pattern: .random, seed: 7) == 5)
    #expect(heap.figures.liveObjects == 10)
    #expect(heap.makeGarbage(fraction: 1, pattern: .newest, seed: 0) == 10)
    #expect(heap.figures.liveObjects == 0)
  }
}

/// The thresholds that start collections, as pure arithmetic.
@Suite struct CollectionTriggerTests {
  @Test func theFirstThresholdIsAnEighthOfTheLimitAtLeast8MiBAtMostTheLimit() {
    #expect(CollectionTrigger(limit: 4 << 30).heapThreshold == 512 << 20)
    #expect(CollectionTrigger(limit: 192 << 20).heapThreshold == 24 << 20)
    #expect(CollectionTrigger(limit: 32 << 20).heapThreshold == 8 << 20)
    #expect(CollectionTrigger(limit: 4 << 20).heapThreshold == 4 << 20)
  }

  @Test func theHeapThresholdGrowsWithTheSurvivorsUpToTheLimit() {
    var trigger = CollectionTrigger(limit: 192 << 20)
    #expect(!trigger.shouldCollect(usedBytes: 24 << 20, externalBytes: 0))
    #expect(trigger.shouldCollect(usedBytes: (24 << 20) + 1, externalBytes: 0))
    trigger.collected(usedBytes: 40 << 20, externalBytes: 0)
    #expect(trigger.heapThreshold == 80 << 20)
    trigger.collected(usedBytes: 1 << 20, externalBytes: 0)
    #expect(trigger.heapThreshold == 24 << 20)
    trigger.collected(usedBytes: 150 << 20, externalBytes: 0)
    #expect(trigger.heapThreshold == 192 << 20)
  }

  @Test func externalBytesMayGrow64MiBPastWhatTheLastCollectionLeft() {
    var trigger = CollectionTrigger(limit: 4 << 30)
    #expect(!trigger.shouldCollect(usedBytes: 0, externalBytes: 64 << 20))
    #expect(trigger.shouldCollect(usedBytes: 0, externalBytes: (64 << 20) + 1))
    trigger.collected(usedBytes: 0, externalBytes: 100 << 20)
    #expect(!trigger.shouldCollect(usedBytes: 0, externalBytes: 164 << 20))
    #expect(trigger.shouldCollect(usedBytes: 0, externalBytes: (164 << 20) + 1))
  }
}

/// How `--heap-limit` and `heap-limit:` become the worker's bytes, and how `objects` and `gc` are read.
@Suite struct HeapLimitOptionTests {
  static func scenario(_ heapLimit: String?, limit: String? = nil) throws -> Scenario {
    try ScenarioParser.parse(
      yaml: "name: h\n" + (limit.map { "limit: \($0)\n" } ?? "") + (heapLimit.map { "heap-limit: \($0)\n" } ?? "")
        + "steps:\n  - gc\n", file: "h.yaml")
  }

  static func resolve(_ scenario: Scenario, heapLimit: String? = nil, memoryLimit: String? = nil) throws -> RunOptions {
    var request = RunRequest(csvPath: "-")
    request.heapLimit = heapLimit
    request.memoryLimit = memoryLimit
    return try RunOptions.resolve(scenario, request, environment: [:])
  }

  @Test func withoutAHeapLimitTheWorkerGetsV8sDefault() throws {
    let options = try Self.resolve(try Self.scenario(nil))
    #expect(options.heapLimit == 4 << 30)
    let process = try #require(options.scenario.processes.first)
    #expect(options.contract(for: process, supervisor: 1).heapLimit == 4 << 30)
  }

  @Test func aShareOfTheLimitResolvesAgainstTheLimitInForce() throws {
    #expect(try Self.resolve(try Self.scenario("75%", limit: "256MiB")).heapLimit == 192 << 20)
    #expect(try Self.resolve(try Self.scenario("75%", limit: "256MiB"), memoryLimit: "1GiB").heapLimit == 768 << 20)
    #expect(try Self.resolve(try Self.scenario("100MiB")).heapLimit == 100 << 20)
  }

  @Test func theCommandLineWins() throws {
    let scenario = try Self.scenario("75%", limit: "256MiB")
    #expect(try Self.resolve(scenario, heapLimit: "64MiB").heapLimit == 64 << 20)
    #expect(try Self.resolve(scenario, heapLimit: "50%").heapLimit == 128 << 20)
    // The scenario's share needs no limit when the command line replaces it.
    #expect(try Self.resolve(scenario, heapLimit: "64MiB", memoryLimit: "none").heapLimit == 64 << 20)
  }

  @Test func aShareWithoutALimitOrATinyOrMalformedLimitIsBadInput() throws {
    let scenario = try Self.scenario(nil)
    for (text, phrase) in [
      ("75%", "a heap limit of 75.0% of the limit needs a memory limit"),
      ("75", "a heap limit of 75 bytes is below 1MiB"),
      ("lots", "--heap-limit expects a size like 512MiB, 512Mi, 512m, 4KB or 4096, or a share of the memory limit like 75%, got \"lots\""),
      ("150%", "got \"150%\""),
    ] {
      let refusal = try #require(#expect(throws: RunRefusal.self) { try Self.resolve(scenario, heapLimit: text) })
      #expect(refusal.status == .badInput)
      #expect(refusal.description.contains(phrase), "\(refusal.description)")
    }
  }

  @Test func objectsAndGcStepsAreCheckedBeforeAnythingRuns() throws {
    for (yaml, phrase) in [
      ("- objects: { count: 1, size: 1KiB, external: true }", "external: true reports the native payload"),
      ("- objects: { count: 1, size: 2GiB }", "expected at most 1GiB, got \"2GiB\""),
      ("- objects: { count: 1, size: 1KiB, native: 2GiB }", "expected at most 1GiB, got \"2GiB\""),
      ("- objects: { count: 0, size: 1KiB }", "expected an integer in 1...100000000, got \"0\""),
      ("- objects: { count: 1, size: 1KiB, garbage: maybe }", "expected true or false, got \"maybe\""),
      ("- gc: { now: true }", "expected no fields (write \"- gc\")"),
      ("- leak: { rate: 1MiB/s, block: 2GiB, of: objects }", "expected at most 1GiB for objects"),
      ("- objects: { count: 1, size: 1KiB, as: objects }", "the name \"objects\" is reserved"),
    ] {
      let error = try #require(ScenarioParserTests.error("name: x\nsteps:\n  \(yaml)\n"))
      #expect(error.description.contains(phrase), "\(error.description)")
    }
    let ok = try ScenarioParser.parse(
      yaml: """
        name: ok
        steps:
          - objects: { count: 3, size: 1KiB, garbage: true, native: 1MiB, external: true, every: 1ms, as: img }
          - free: { what: img, fraction: 0.5 }
          - free: { what: objects }
          - leak: { rate: 1MiB/s, block: 64KiB, of: objects, for: 10ms }
          - gc
        """, file: "ok.yaml")
    #expect(ok.stepKinds == ["objects", "free", "free", "leak", "gc"])
  }
}

/// Heap runs through the built binary without a memory limit; they measure RSS, so one at a time.
@Suite(.serialized)
struct ManagedHeapRunTests {
  @Test func heapFiguresAgreeWithTheWorkersRSSWhenOnlyObjectsAreAllocated() throws {
    let result = try OomlabProcess.run(
      """
      name: objects-only
      sample: 20ms
      steps:
        - objects: { count: 50000, size: 4KiB }
        - hold: 100ms
      """)
    defer { result.cleanUp() }
    #expect(result.status == 0, "\(result.stderr)")
    let csv = try #require(result.csv)
    let used = try #require(csv.value("heap_used_bytes", atStep: "end").last)
    let total = try #require(csv.value("heap_total_bytes", atStep: "end").last)
    #expect(used == 50_000 * 4096)
    #expect(total >= used && total - used < Double(chunk))
    #expect(csv.last("objects_live") == 50_000)
    #expect(csv.last("gc_count") == 0)
    #expect(csv.last("heap_limit_bytes") == 4096 * MiB)
    // 5%: the worker's own bookkeeping (32 bytes an object) and the sampler's pages come on top.
    let growth = try #require(csv.value("rss_bytes", atStep: "end").last) - (try #require(csv.first("rss_bytes")))
    #expect(abs(growth - total) <= 0.05 * total, "RSS grew \(growth / MiB) MiB for a heap_total of \(total / MiB) MiB")
  }

  @Test func aGcThatFreesHalfTheObjectsHalvesHeapUsedAndGivesChunksBack() throws {
    let result = try OomlabProcess.run(
      """
      name: gc-half
      sample: 20ms
      steps:
        - objects: { count: 40000, size: 4KiB, as: batch }
        - free: { what: batch, fraction: 0.5, pattern: random, seed: 3 }
        - hold: 100ms
        - gc
        - hold: 100ms
      """)
    defer { result.cleanUp() }
    #expect(result.status == 0, "\(result.stderr)")
    let csv = try #require(result.csv)
    // Making objects garbage changes neither figure: heap_used counts them until the gc.
    let usedBefore = try #require(csv.value("heap_used_bytes", atStep: "hold").first)
    let totalBefore = try #require(csv.value("heap_total_bytes", atStep: "hold").first)
    let rssBefore = try #require(csv.value("rss_bytes", atStep: "hold").first)
    #expect(usedBefore == 40_000 * 4096)
    #expect(csv.value("objects_live", atStep: "hold").first == 20_000)
    let usedAfter = try #require(csv.value("heap_used_bytes", atStep: "end").last)
    let totalAfter = try #require(csv.value("heap_total_bytes", atStep: "end").last)
    let rssAfter = try #require(csv.value("rss_bytes", atStep: "end").last)
    #expect(abs(usedAfter - usedBefore / 2) <= 0.05 * usedBefore / 2)
    let freed = usedBefore - usedAfter
    #expect(totalBefore - totalAfter >= freed / 3, "heap_total fell \((totalBefore - totalAfter) / MiB) MiB of \(freed / MiB) MiB freed")
    // RSS falls as chunks are unmapped: by what heap_total lost, less the sampler's noise.
    #expect(rssBefore - rssAfter >= 0.9 * (totalBefore - totalAfter), "RSS fell \((rssBefore - rssAfter) / MiB) MiB")
    #expect(csv.last("gc_count") == 1)
  }

  @Test func aHeapThatIsNinetyPercentGarbageCollectsByItselfBeforeItsLimit() throws {
    let result = try OomlabProcess.run(
      """
      name: mostly-garbage
      sample: 20ms
      heap-limit: 32MiB
      steps:
        - repeat:
            times: 20
            steps:
              - objects: { count: 900, size: 4KiB, garbage: true }
              - objects: { count: 100, size: 4KiB }
      """)
    defer { result.cleanUp() }
    // 80 MiB allocated under a 32 MiB limit without one gc step: only collections by pressure let it complete.
    #expect(result.status == 0, "\(result.stdout)\(result.stderr)")
    #expect(result.outcome == "completed")
    let csv = try #require(result.csv)
    #expect(try #require(csv.last("gc_count")) >= 1)
    #expect(try #require(csv.max("heap_used_bytes")) <= 32 * MiB)
    #expect(csv.last("objects_live") == 2000)
    #expect(csv.last("heap_limit_bytes") == 32 * MiB)
  }

  @Test func heapOutOfMemoryIsReportedLikeNodeAndToldApartFromAKill() throws {
    let result = try OomlabProcess.run(
      """
      name: js-leak
      sample: 20ms
      heap-limit: 16MiB
      expect: heap-oom
      steps:
        - leak: { rate: 200MiB/s, block: 16KiB, of: objects }
      """)
    defer { result.cleanUp() }
    #expect(result.status == 0, "\(result.stdout)\(result.stderr)")
    #expect(result.outcome == "heap-oom")
    #expect(result.stderr.contains("\(HeapOutOfMemory.fatalLine)\nheap_used 16777216 bytes, heap_total 16777216 bytes, heap_limit 16777216 bytes"), "\(result.stderr)")
    let process = try #require((result.summary?["processes"] as? [[String: Any]])?.first)
    #expect(process["signal"] as? String == "SIGABRT")
    let message = try #require(process["message"] as? String)
    #expect(message.hasPrefix(HeapOutOfMemory.fatalLine))
    #expect(message.contains("heap_limit 16.0 MiB"))
    #expect(result.stdout.contains("heap limit 16.0 MiB"))
  }

  @Test func aHeapLimitShareWithoutAMemoryLimitIsRefused() throws {
    let result = try OomlabProcess.run("name: h\nsteps:\n  - gc\n", arguments: ["--heap-limit", "75%"])
    defer { result.cleanUp() }
    #expect(result.status == 2)
    #expect(result.stderr.contains("a heap limit of 75.0% of the limit needs a memory limit"), "\(result.stderr)")
    #expect(!FileManager.default.fileExists(atPath: result.directory.appendingPathComponent("out.csv").path))
  }
}

extension MemoryLimitRunTests {
  /// The article's heap scenarios under their 256 MiB cgroup limit; they need root and skip with the reason elsewhere.
  ///
  /// Nested in MemoryLimitRunTests, whose `.serialized` covers nested suites: those tests count
  /// the oomlab cgroups before and after a run, so no other run may create one meanwhile.
  @Suite(.enabled(if: cgroupUnavailable == nil, "\(cgroupUnavailable ?? "")"))
  struct ManagedHeapScenarios {
    static let limit = 256 * MiB

    static func run(_ name: String) throws -> OomlabProcess.Result {
      try OomlabProcess.run(
        try String(contentsOf: repositoryRoot().appendingPathComponent("Scenarios/\(name).yaml"), encoding: .utf8))
    }

    @Test func aHeapLimitEqualToTheLimitLetsTheKernelKillFirst() throws {
      let result = try Self.run("heap-limit-equals-limit")
      defer { result.cleanUp() }
      #expect(result.status == 0, "\(result.stdout)\(result.stderr)")
      #expect(result.outcome == "oom-kill")
      #expect(!result.stderr.contains(HeapOutOfMemory.fatalLine))
      let csv = try #require(result.csv)
      #expect(csv.last("heap_limit_bytes") == Self.limit)
      let heap = try #require(csv.max("heap_used_bytes"))
      #expect(heap < 0.9 * Self.limit, "heap_used reached \(heap / MiB) MiB")
      #expect(heap > 0.5 * Self.limit, "heap_used reached \(heap / MiB) MiB")
    }

    @Test func theSeventyFivePercentRuleEndsInHeapOomInstead() throws {
      let result = try Self.run("heap-limit-75-percent")
      defer { result.cleanUp() }
      #expect(result.status == 0, "\(result.stdout)\(result.stderr)")
      #expect(result.outcome == "heap-oom")
      #expect(result.stderr.contains(HeapOutOfMemory.fatalLine))
      let process = try #require((result.summary?["processes"] as? [[String: Any]])?.first)
      #expect((process["message"] as? String)?.contains("heap_limit 192.0 MiB") == true)
      #expect(process["kernel_report"] == nil)
      let csv = try #require(result.csv)
      #expect(csv.last("heap_limit_bytes") == 0.75 * Self.limit)
      #expect(try #require(csv.max("cgroup_usage_bytes")) < Self.limit)
      #expect(csv.last("oom_kill_events") == 0)
    }

    @Test func nativePayloadsWithoutPressureAreKilledWithASmallHeap() throws {
      let result = try Self.run("native-payloads")
      defer { result.cleanUp() }
      #expect(result.status == 0, "\(result.stdout)\(result.stderr)")
      #expect(result.outcome == "oom-kill")
      let csv = try #require(result.csv)
      let heap = try #require(csv.max("heap_used_bytes"))
      let rss = try #require(csv.max("rss_bytes"))
      #expect(heap < 0.25 * Self.limit, "heap_used reached \(heap / MiB) MiB")
      #expect(rss >= 0.8 * Self.limit, "RSS reached \(rss / MiB) MiB")
      #expect(csv.last("gc_count") == 0)
      #expect(try #require(csv.max("native_live_bytes")) >= 0.7 * Self.limit)
    }

    @Test func aGcAfterEachBatchKeepsNativePayloadsUnderTheLimit() throws {
      let result = try Self.run("native-payloads-gc")
      defer { result.cleanUp() }
      #expect(result.status == 0, "\(result.stdout)\(result.stderr)")
      #expect(result.outcome == "completed")
      let csv = try #require(result.csv)
      #expect(csv.last("gc_count") == 25)
      #expect(try #require(csv.max("rss_bytes")) < 0.5 * Self.limit)
      #expect(csv.last("native_live_bytes") == 0)
    }

    @Test func reportedPayloadsDriveCollectionAndKeepRSSFlat() throws {
      let result = try Self.run("native-payloads-external")
      defer { result.cleanUp() }
      #expect(result.status == 0, "\(result.stdout)\(result.stderr)")
      #expect(result.outcome == "completed")
      let csv = try #require(result.csv)
      // 1000 MiB of payloads, a collection per 64 MiB of external growth, none asked for.
      #expect(try #require(csv.last("gc_count")) >= 14)
      #expect(try #require(csv.max("external_bytes")) <= 66 * MiB)
      #expect(try #require(csv.max("rss_bytes")) < 0.5 * Self.limit)
    }
  }
}
