import Foundation
import Glibc
import Testing

@testable import OomlabKit
import OomlabTestSupport

private let KiB: UInt64 = 1 << 10
/// V8's regular page (256 KiB) and what its 4,424-byte header leaves for objects, written out by hand.
private let page: UInt64 = 262_144
private let area: UInt64 = 257_720
/// A new heap's first semi-space: 1 MiB, four pages.
private let semiSpace: UInt64 = 1 << 20

/// The managed heap in-process, its figures derived by hand from V8's constants.
@Suite struct ManagedHeapTests {
  @Test func sixtyFourKiBObjectsPackThreeToAPage() throws {
    let heap = ManagedHeap(limit: 64 << 20)
    // A new heap maps nothing; its first object commits the to-space and nothing else.
    #expect(heap.figures.totalBytes == 0 && heap.pageCount == 0)
    try heap.allocate(size: 64 * KiB)
    #expect(heap.figures.totalBytes == semiSpace && heap.pageCount == 0)
    for _ in 0..<9 { try heap.allocate(size: 64 * KiB) }
    #expect(heap.figures.collections == 0 && heap.pageCount == 0)
    try heap.collect()
    // Promoted by the full collection: 3 × 65,536 = 196,608 fit an area of 257,720, a fourth would not.
    #expect(heap.pageCount == 4)
    #expect(heap.figures.oldCapacityBytes == 4 * area)
    #expect(heap.figures.usedBytes == 10 * 64 * KiB)
    #expect(heap.figures.totalBytes == 4 * page + semiSpace)

    // The same packing in new space: its four pages take twelve, the thirteenth scavenges.
    let young = ManagedHeap(limit: 64 << 20)
    for _ in 0..<12 { try young.allocate(size: 64 * KiB, garbage: true) }
    #expect(young.figures.scavenges == 0)
    try young.allocate(size: 64 * KiB, garbage: true)
    #expect(young.figures.scavenges == 1)
    #expect(young.figures.usedBytes == 64 * KiB)
  }

  @Test func largeObjectsGetAPageEachAndCountTheirOwnBytesAgainstTheLimit() throws {
    let heap = ManagedHeap(limit: 64 << 20)
    // kMaxRegularHeapObjectSize itself is still a regular object, in new space.
    try heap.allocate(size: 128 * KiB)
    #expect(heap.pageCount == 0)
    // 200 KiB + 1 aligns to 204,808; its page is 4,424 + 204,808 rounded up to 4 KiB: 212,992.
    try heap.allocate(size: 200 * KiB + 1)
    try heap.allocate(size: 200 * KiB + 1)
    #expect(heap.pageCount == 2)
    #expect(heap.figures.totalBytes == semiSpace + 2 * 212_992)
    try heap.collect()
    // Promoted: the large ones count 204,808 each, the 128 KiB one a regular page's area.
    #expect(heap.figures.oldCapacityBytes == 2 * 204_808 + area)
    #expect(heap.pageCount == 3)
    #expect(heap.figures.totalBytes == semiSpace + 2 * 212_992 + page)
    heap.makeGarbage(fraction: 1, pattern: .oldest, seed: 1)
    try heap.collect()
    #expect(heap.pageCount == 0 && heap.figures.oldCapacityBytes == 0)
  }

  @Test func aScavengeFreesDeadYoungObjectsAndTheirPayloads() throws {
    let heap = ManagedHeap(limit: 64 << 20)
    // 251 objects of 1 KiB fill a page's 257,720 bytes: new space takes 1,004.
    for i in 0..<1004 { try heap.allocate(size: 1 * KiB, garbage: i % 2 == 0, payload: 16 * KiB) }
    #expect(heap.figures.scavenges == 0)
    #expect(heap.figures.payloadBytes == 1004 * 16 * KiB)
    try heap.allocate(size: 1 * KiB, garbage: true, payload: 16 * KiB)
    #expect(heap.figures.scavenges == 1 && heap.figures.collections == 1)
    // The dead half went with their payloads; the live half was copied, nothing promoted yet.
    #expect(heap.figures.payloadBytes == 503 * 16 * KiB)
    #expect(heap.figures.usedBytes == 503 * KiB)
    #expect(heap.figures.liveObjects == 502)
    #expect(heap.pageCount == 0)
    // The scavenge committed the other semi-space.
    #expect(heap.figures.totalBytes == 2 * semiSpace)
  }

  @Test func survivorsArePromotedByTheirSecondScavengeAndNewSpaceGrows() throws {
    let heap = ManagedHeap(limit: 64 << 20)
    for _ in 0..<1005 { try heap.allocate(size: 1 * KiB) }
    // The 1,005th found new space full: the first scavenge copied all 1,004, which filled the
    // other semi-space, so a second one promoted them, 251 to each of four old pages.
    #expect(heap.figures.scavenges == 2)
    #expect(heap.pageCount == 4)
    #expect(heap.figures.oldCapacityBytes == 4 * area)
    // 2 × 1,028,096 bytes survived, more than the 1 MiB capacity: each semi-space doubled.
    #expect(heap.semiSpaceCapacity == 2 * semiSpace)
    #expect(heap.figures.totalBytes == 4 * page + 2 * 2 * semiSpace)
  }

  @Test func newSpaceStopsGrowingAtSixteenMiB() throws {
    let heap = ManagedHeap(limit: 512 << 20)
    for _ in 0..<1000 { try heap.allocate(size: 64 * KiB) }
    #expect(heap.semiSpaceCapacity == 16 << 20)
  }

  @Test func theFirstFullCollectionPastTheLimitIsFatalAndSaysSoLikeNode() throws {
    let heap = ManagedHeap(limit: 1 << 20)
    var placed: UInt64 = 0
    let error = try #require(
      #expect(throws: HeapOutOfMemory.self) {
        while true {
          try heap.allocate(size: 4 * KiB)
          placed += 1
        }
      })
    // 62 objects of 4 KiB to a page, 248 to new space. The 249th found it full: a first
    // scavenge copied the 248 into the other semi-space, which they filled, so a second one
    // promoted them into 4 pages (1,030,880 usable bytes, under the 1 MiB limit). 2 × 1,015,808
    // bytes had survived, more than the capacity: new space doubled to 2 MiB, 496 objects. The
    // promotions passed the old generation's first allocation limit (half the heap limit), so
    // a full collection followed, which found nothing young. The 745th found new space full
    // again, and a scavenge might not fit (1,030,880 + 8 × 257,720 > 1 MiB): the full
    // collection promoted the 496 into 8 more pages, 12 × 257,720 bytes, past the limit.
    #expect(placed == 744)
    #expect(error.requestedBytes == 4 * KiB)
    #expect(error.figures.usedBytes == 744 * 4 * KiB)
    #expect(error.figures.oldCapacityBytes == 12 * area)
    #expect(error.figures.collections == 4 && error.figures.scavenges == 2)
    #expect(error.figures.limitBytes == 1 << 20)
    // 12 pages and two semi-spaces of 2 MiB after; 4 pages before.
    #expect(error.figures.totalBytes == 12 * page + 4 * semiSpace)
    #expect(error.beforeCollection.totalBytes == 4 * page + 4 * semiSpace)
    #expect(error.beforeCollection.usedBytes == 744 * 4 * KiB)
    #expect(error.description.hasPrefix(HeapOutOfMemory.fatalLine))
    #expect(error.description.contains("heap_used 2.9 MiB, heap_total 7.0 MiB, heap_limit 1.0 MiB, old generation 2.9 MiB, external 0 B"))
    let report = error.report(pid: 42)
    #expect(report.contains("[42] Mark-Compact 2.9 (5.0) -> 2.9 (7.0) MB, allocation failure"))
    #expect(report.contains(HeapOutOfMemory.fatalLine + "\n"))
    #expect(report.contains("heap_used 3047424 bytes, heap_total 7340032 bytes, heap_limit 1048576 bytes, old generation 3092640 bytes"))
  }

  @Test func theLimitCountsPagesSoSixtyFourKiBObjectsDieWithAQuarterOfThemEmpty() throws {
    let limit: UInt64 = 32 << 20
    func leak(_ size: UInt64) throws -> (placed: UInt64, error: HeapOutOfMemory) {
      let heap = ManagedHeap(limit: limit)
      var placed: UInt64 = 0
      let error = try #require(
        #expect(throws: HeapOutOfMemory.self) {
          while true {
            try heap.allocate(size: size)
            placed += 1
          }
        })
      return (placed, error)
    }
    let large = try leak(64 * KiB)
    // Fatal once a full collection leaves the pages past the limit, every object then in them, three to a page.
    #expect(large.error.figures.oldCapacityBytes > limit)
    #expect(large.error.figures.usedBytes == large.placed * 64 * KiB)
    #expect(large.error.figures.oldCapacityBytes == (large.placed + 2) / 3 * area)
    #expect(large.error.figures.usedBytes <= large.error.figures.oldCapacityBytes * 196_608 / area)
    // 1 KiB objects fill 257,024 of each 257,720 bytes, so they reach the limit itself.
    let small = try leak(1 * KiB)
    #expect(small.error.figures.oldCapacityBytes > limit)
    #expect(small.error.figures.usedBytes > limit)
    #expect(Double(large.error.figures.usedBytes) < 0.77 * Double(large.error.figures.oldCapacityBytes))
  }

  @Test func youngArrayBuffersPastThirtyTwoMiBStartAScavenge() throws {
    let heap = ManagedHeap(limit: 64 << 20)
    for _ in 0..<16 { try heap.allocate(size: 200, garbage: true, payload: 2 << 20, kind: .arrayBuffer) }
    #expect(heap.figures.scavenges == 0)
    #expect(heap.figures.externalBytes == 32 << 20)
    try heap.allocate(size: 200, garbage: true, payload: 2 << 20, kind: .arrayBuffer)
    // 32 MiB of young backing stores, twice the largest semi-space: the 17th scavenged first.
    #expect(heap.figures.scavenges == 1 && heap.figures.collections == 1)
    #expect(heap.figures.payloadBytes == 2 << 20)
    #expect(heap.figures.externalBytes == 2 << 20)
  }

  @Test func reportedPayloadsCollectPastSixtyFourMiBAndUnreportedOnesNever() throws {
    let silent = ManagedHeap()
    for _ in 0..<70 { try silent.allocate(size: 1 * KiB, garbage: true, payload: 1 << 20) }
    #expect(silent.figures.collections == 0)
    #expect(silent.figures.payloadBytes == 70 << 20)

    let reported = ManagedHeap()
    for _ in 0..<70 { try reported.allocate(size: 1 * KiB, garbage: true, payload: 1 << 20, kind: .reported) }
    // The 65th payload passed the 64 MiB external limit; a full collection freed the first 64.
    #expect(reported.figures.collections == 1 && reported.figures.scavenges == 0)
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
    #expect(heap.pendingOutOfMemory == nil)
  }

  @Test func theScavengeTaskRunsWhenTheProgramIdles() throws {
    let heap = ManagedHeap(limit: 64 << 20)
    // 80% of new space's 1,030,880 usable bytes is 824,704: 805 objects of 1 KiB stay under it.
    for _ in 0..<805 { try heap.allocate(size: 1 * KiB, garbage: true) }
    try heap.idle()
    #expect(heap.figures.scavenges == 0)
    try heap.allocate(size: 1 * KiB, garbage: true)
    try heap.idle()
    #expect(heap.figures.scavenges == 1)
    #expect(heap.figures.usedBytes == 0)
  }

  @Test func pagesMostlyFreeAreEvacuatedAndPagesHalfFreeKeepTheirHoles() throws {
    let heap = ManagedHeap(limit: 64 << 20)
    let names = ["keep", "b", "c", "d"]
    for i in 0..<620 { try heap.allocate(size: 4 * KiB, name: names[i % 4]) }
    try heap.collect()
    // 62 objects of 4 KiB to a page: ten pages.
    #expect(heap.pageCount == 10)
    // Half of every page dead: less than the 70% free V8 wants before it evacuates a page.
    heap.makeGarbage(named: "b", fraction: 1, pattern: .oldest, seed: 1)
    heap.makeGarbage(named: "c", fraction: 1, pattern: .oldest, seed: 1)
    try heap.collect()
    #expect(heap.pageCount == 10)
    #expect(heap.figures.usedBytes == 310 * 4 * KiB)
    // Three quarters dead: every page qualifies, and 155 survivors move into three pages.
    heap.makeGarbage(named: "d", fraction: 1, pattern: .oldest, seed: 1)
    try heap.collect()
    #expect(heap.figures.usedBytes == 155 * 4 * KiB)
    #expect(heap.pageCount == 3)
    #expect(heap.figures.oldCapacityBytes == 3 * area)
  }

  @Test func aMostlyGarbageHeapCollectsBeforeItsLimit() throws {
    let heap = ManagedHeap(limit: 32 << 20)
    // 80 MiB allocated, 90% of it garbage at once: never more than the limit at a time.
    for i in 0..<20_480 { try heap.allocate(size: 4 * KiB, garbage: i % 10 != 0) }
    #expect(heap.figures.scavenges >= 1)
    #expect(heap.figures.liveObjects == 2048)
    #expect(heap.figures.oldCapacityBytes <= 32 << 20)
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

  @Test func objectsAreAlignedAndObjectsWithPayloadsHoldTheirAddress() {
    #expect(HeapLayout.objectSize(1, payload: false) == 8)
    #expect(HeapLayout.objectSize(9, payload: false) == 16)
    #expect(HeapLayout.objectSize(1, payload: true) == 24)
    #expect(HeapLayout.largePageSize(for: 262_160) == 270_336)
  }
}

/// The limits that start full collections, as pure arithmetic.
@Suite struct CollectionTriggerTests {
  @Test func theOldGenerationLimitStartsAtHalfTheHeapLimit() {
    #expect(CollectionTrigger(limit: 4 << 30).oldGenerationLimit == 2 << 30)
    #expect(CollectionTrigger(limit: 256 << 20).oldGenerationLimit == 128 << 20)
    #expect(CollectionTrigger(limit: 256 << 20).externalLimit == 64 << 20)
  }

  @Test func theGrowingFactorRunsFromOnePointThreeToFour() {
    #expect(CollectionTrigger.maximumGrowingFactor(limit: 128 << 20) == 1.3)
    #expect(CollectionTrigger.maximumGrowingFactor(limit: 256 << 20) == 1.3)
    #expect(abs(CollectionTrigger.maximumGrowingFactor(limit: 1152 << 20) - 1.65) < 1e-9)
    #expect(CollectionTrigger.maximumGrowingFactor(limit: 4 << 30) == 4)
  }

  @Test func theOldGenerationLimitGrowsWithTheSurvivorsButStopsHalfwayToTheHeapLimit() {
    var trigger = CollectionTrigger(limit: 4 << 30)
    trigger.collected(oldBytes: 100 << 20, externalBytes: 0, newSpaceCapacity: 1_030_880)
    #expect(trigger.oldGenerationLimit == (400 << 20) + 1_030_880)
    #expect(!trigger.shouldCollect(oldBytes: (400 << 20) + 1_030_880))
    #expect(trigger.shouldCollect(oldBytes: (400 << 20) + 1_030_881))
    // A small heap grows by at least 8 MiB.
    trigger.collected(oldBytes: 1 << 20, externalBytes: 0, newSpaceCapacity: 0)
    #expect(trigger.oldGenerationLimit == 9 << 20)
    // Near the limit, halfway between the survivors and the limit wins: 200 + (256 - 200) / 2.
    var small = CollectionTrigger(limit: 256 << 20)
    small.collected(oldBytes: 200 << 20, externalBytes: 0, newSpaceCapacity: 1_030_880)
    #expect(small.oldGenerationLimit == 228 << 20)
  }

  @Test func externalBytesMayGrow64MiBPastWhatTheLastCollectionLeft() {
    var trigger = CollectionTrigger(limit: 4 << 30)
    #expect(!trigger.externalPressure(64 << 20))
    #expect(trigger.externalPressure((64 << 20) + 1))
    trigger.collected(oldBytes: 0, externalBytes: 100 << 20, newSpaceCapacity: 0)
    #expect(!trigger.externalPressure(164 << 20))
    #expect(trigger.externalPressure((164 << 20) + 1))
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
      ("- objects: { count: 1, size: 1KiB, native: 1MiB, buffer: 1MiB }", "an object holds either native: or buffer:, not both"),
      ("- objects: { count: 1, size: 1KiB, buffer: 2GiB }", "expected at most 1GiB, got \"2GiB\""),
    ] {
      let error = try #require(ScenarioCorpus.error("name: x\nsteps:\n  \(yaml)\n"))
      #expect(error.description.contains(phrase), "\(error.description)")
    }
    let ok = try ScenarioParser.parse(
      yaml: """
        name: ok
        steps:
          - objects: { count: 3, size: 1KiB, garbage: true, native: 1MiB, external: true, every: 1ms, as: img }
          - objects: { count: 2, size: 200, garbage: true, buffer: 2MiB }
          - free: { what: img, fraction: 0.5 }
          - free: { what: objects }
          - leak: { rate: 1MiB/s, block: 64KiB, of: objects, for: 10ms }
          - gc
        """, file: "ok.yaml")
    #expect(ok.stepKinds == ["objects", "objects", "free", "free", "leak", "gc"])
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
    // Each old page leaves 3,768 bytes below a fourth... 62 objects of 4 KiB and the 4,424-byte
    // header: 3.1% of a page; new space's two semi-spaces, up to 16 MiB each, come on top.
    #expect(total >= used && total - used <= 0.032 * used + 32 * MiB, "heap_total \(total / MiB) MiB")
    #expect(csv.last("objects_live") == 50_000)
    // 195 MiB that survive: scavenges copy and promote them on the way to old space.
    #expect(try #require(csv.last("gc_count")) >= 1)
    #expect(csv.last("heap_limit_bytes") == 4096 * MiB)
    // 5%: the sampler's pages and the worker's own come on top; the heap keeps no record per object outside it.
    let growth = try #require(csv.value("rss_bytes", atStep: "end").last) - (try #require(csv.first("rss_bytes")))
    #expect(abs(growth - total) <= 0.05 * total, "RSS grew \(growth / MiB) MiB for a heap_total of \(total / MiB) MiB")
  }

  @Test func aGcKeepsHalfEmptyPagesAndGivesBackPagesItEmpties() throws {
    let result = try OomlabProcess.run(
      """
      name: gc-half
      sample: 20ms
      steps:
        - objects: { count: 40000, size: 4KiB, as: batch }
        - gc
        - free: { what: batch, fraction: 0.5, pattern: random, seed: 3 }
        - hold: 100ms
        - gc
        - hold: 100ms
        - free: { what: batch, fraction: 1 }
        - gc
        - hold: 100ms
      """)
    defer { result.cleanUp() }
    #expect(result.status == 0, "\(result.stderr)")
    let csv = try #require(result.csv)
    // Making objects garbage changes neither figure: heap_used counts them until the gc.
    let usedBefore = try #require(csv.value("heap_used_bytes", atStepIndex: 3).first)
    let totalBefore = try #require(csv.value("heap_total_bytes", atStepIndex: 3).first)
    #expect(usedBefore == 40_000 * 4096)
    #expect(csv.value("objects_live", atStepIndex: 3).first == 20_000)
    // Random halves leave every page about half full: V8 evacuates only pages 70% free, so the
    // pages stay, and so does RSS, as in Node (heapTotal unchanged after gc()).
    let usedHalf = try #require(csv.value("heap_used_bytes", atStepIndex: 5).last)
    let totalHalf = try #require(csv.value("heap_total_bytes", atStepIndex: 5).last)
    let rssHalf = try #require(csv.value("rss_bytes", atStepIndex: 5).last)
    #expect(abs(usedHalf - usedBefore / 2) <= 0.05 * usedBefore / 2)
    #expect(totalHalf >= 0.97 * totalBefore, "heap_total fell from \(totalBefore / MiB) to \(totalHalf / MiB) MiB")
    // Once every object is garbage, the collection unmaps every old page and RSS falls with them.
    let totalAfter = try #require(csv.value("heap_total_bytes", atStep: "end").last)
    let rssAfter = try #require(csv.value("rss_bytes", atStep: "end").last)
    #expect(try #require(csv.value("heap_used_bytes", atStep: "end").last) == 0)
    #expect(totalAfter <= 32 * MiB, "heap_total \(totalAfter / MiB) MiB")
    #expect(rssHalf - rssAfter >= 0.9 * (totalHalf - totalAfter), "RSS fell \((rssHalf - rssAfter) / MiB) MiB")
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
    #expect(result.outcome == .completed)
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
    #expect(result.outcome == .heapOom)
    // The old generation's pages passed the limit; every object is in them then, 15 of 16 KiB to a page.
    let line = try #require(result.stderr.split(separator: "\n").first { $0.hasPrefix("heap_used ") }, "\(result.stderr)")
    #expect(result.stderr.contains("\(HeapOutOfMemory.fatalLine)\nheap_used "))
    let figures = line.split(separator: " ").compactMap { UInt64($0) }
    #expect(figures.count >= 4, "\(line)")
    if figures.count >= 4 {
      #expect(figures[2] == 16 << 20, "\(line)")
      #expect(figures[3] > 16 << 20 && figures[3] % 257_720 == 0, "\(line)")
      let pages = figures[3] / 257_720
      #expect(figures[0] <= pages * 15 * 16_384 && figures[0] > (pages - 1) * 15 * 16_384, "\(line)")
    }
    let process = try #require(result.firstProcess)
    #expect(process.signal == "SIGABRT")
    let message = try #require(process.message)
    #expect(message.hasPrefix(HeapOutOfMemory.fatalLine))
    #expect(message.contains("heap_limit 16.0 MiB"))
    #expect(result.stderr.contains("heap limit 16.0 MiB"))
  }

  @Test func aFatalCollectionUnderBufferPressureEndsTheRunAtThatBuffer() throws {
    // 100 objects of 64 KiB fill 34 old pages, past the 8 MiB limit once collected; the buffer that
    // takes external memory past 64 MiB runs that full collection, and Node dies there, not 35 buffers later.
    let result = try OomlabProcess.run(
      """
      name: buffer-pressure
      sample: 10ms
      heap-limit: 8MiB
      expect: heap-oom
      steps:
        - objects: { count: 100, size: 64KiB }
        - buffers: { count: 100, size: 1MiB, touch: 0.25, every: 5ms }
      """)
    defer { result.cleanUp() }
    #expect(result.status == 0, "\(result.stdout)\(result.stderr)")
    #expect(result.outcome == .heapOom)
    let csv = try #require(result.csv)
    // Rows come every 10 ms, two buffers apart, so the last one may miss the fatal buffer by a few.
    let buffers = try #require(csv.max("buffers_live_bytes"))
    #expect(buffers >= 40 * MiB && buffers <= 70 * MiB, "buffers reached \(buffers / MiB) MiB")
  }

  @Test func aHeapOfThousandsOfPagesLeavesGlibcsMmapThresholdAlone() throws {
    // 4,200 large objects are 4,200 heap pages (about 600 MiB). Blocks of 130 KiB are above glibc's 128 KiB mmap
    // threshold: freeing them unmaps them, unless the heap's own record of its pages had been an mmapped chunk,
    // freed as it grew, which raises the threshold.
    let result = try OomlabProcess.run(
      """
      name: heap-pages
      sample: 50ms
      steps:
        - objects: { count: 4200, size: 129KiB }
        - native: { count: 20, size: 130KiB, as: big }
        - free: { what: big, fraction: 0.5, pattern: every-other }
        - hold: 40ms
      """, arguments: ["--allocator", "glibc"])
    defer { result.cleanUp() }
    #expect(result.status == 0, "\(result.stderr)")
    let csv = try #require(result.csv)
    let active = csv.value("allocator_active_bytes", atStepIndex: 2)
    let retained = csv.value("allocator_retained_bytes", atStepIndex: 2)
    let (activeBefore, activeAfter) = (try #require(active.first), try #require(active.last))
    let (retainedBefore, retainedAfter) = (try #require(retained.first), try #require(retained.last))
    // Ten blocks of 130 KiB freed: 1.3 MiB unmapped, none of it kept in free chunks.
    #expect(activeBefore - activeAfter >= 1 * MiB, "active went from \(activeBefore) to \(activeAfter)")
    #expect(retainedAfter - retainedBefore <= 0.5 * MiB, "retained went from \(retainedBefore) to \(retainedAfter)")
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
      try OomlabProcess.run(try shippedScenario(name))
    }

    @Test func aHeapLimitEqualToTheLimitLetsTheKernelKillFirst() throws {
      let result = try Self.run("heap-limit-equals-limit")
      defer { result.cleanUp() }
      #expect(result.status == 0, "\(result.stdout)\(result.stderr)")
      #expect(result.outcome == .oomKill)
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
      #expect(result.outcome == .heapOom)
      #expect(result.stderr.contains(HeapOutOfMemory.fatalLine))
      let process = try #require(result.firstProcess)
      #expect(process.message?.contains("heap_limit 192.0 MiB") == true)
      #expect(process.kernelReport == nil)
      let csv = try #require(result.csv)
      #expect(csv.last("heap_limit_bytes") == 0.75 * Self.limit)
      #expect(try #require(csv.max("cgroup_usage_bytes")) < Self.limit)
      #expect(csv.last("oom_kill_events") == 0)
    }

    @Test func nativePayloadsWithoutPressureAreKilledWithASmallHeap() throws {
      let result = try Self.run("native-payloads")
      defer { result.cleanUp() }
      #expect(result.status == 0, "\(result.stdout)\(result.stderr)")
      #expect(result.outcome == .oomKill)
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
      #expect(result.outcome == .completed)
      let csv = try #require(result.csv)
      #expect(csv.last("gc_count") == 25)
      #expect(try #require(csv.max("rss_bytes")) < 0.5 * Self.limit)
      #expect(csv.last("native_live_bytes") == 0)
    }

    @Test func reportedPayloadsDriveCollectionAndKeepRSSFlat() throws {
      let result = try Self.run("native-payloads-external")
      defer { result.cleanUp() }
      #expect(result.status == 0, "\(result.stdout)\(result.stderr)")
      #expect(result.outcome == .completed)
      let csv = try #require(result.csv)
      // 1000 MiB of payloads, a collection per 64 MiB of external growth, none asked for.
      #expect(try #require(csv.last("gc_count")) >= 14)
      #expect(try #require(csv.max("external_bytes")) <= 66 * MiB)
      #expect(try #require(csv.max("rss_bytes")) < 0.5 * Self.limit)
    }
  }
}
