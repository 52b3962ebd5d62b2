import Testing

@testable import OomlabKit

/// The heap model's scavenges and old-generation capacity as CSV columns, against its own rules.
@Suite struct HeapColumnsTests {
  @Test func scavengesAndOldGenerationCapacityFollowTheModel() throws {
    // 20 MiB of garbage through new space's first 1 MiB semi-space must scavenge; 100 MiB kept is
    // promoted into old-space pages.
    let result = try OomlabProcess.run(
      """
      name: heap-columns
      sample: 20ms
      heap-limit: 512MiB
      steps:
        - objects: { count: 20000, size: 1KiB, garbage: true }
        - objects: { count: 100000, size: 1KiB }
        - hold: 60ms
      """)
    defer { result.cleanUp() }
    #expect(result.status == 0, "\(result.stderr)")
    let csv = try #require(result.csv)
    let scavenges = csv.numbers("scavenge_count"), collections = csv.numbers("gc_count")
    let capacity = csv.numbers("old_generation_capacity_bytes"), used = csv.numbers("heap_used_bytes")
    let limit = csv.numbers("heap_limit_bytes")
    #expect(scavenges.count == csv.rows.count && capacity.count == csv.rows.count)
    #expect(try #require(scavenges.last) >= 1, "no scavenge")
    // Young objects fit one semi-space, new large objects one more: the rest of heap_used is old.
    let young = Double(2 * HeapLayout.maximumSemiSpace)
    for row in csv.rows.indices {
      #expect(scavenges[row] <= collections[row], "row \(row)")
      #expect(capacity[row] <= limit[row], "row \(row): capacity \(capacity[row]), limit \(limit[row])")
      #expect(capacity[row] >= used[row] - young, "row \(row): capacity \(capacity[row]), heap used \(used[row])")
      // No object here is large: the capacity is whole old-space pages' usable bytes.
      #expect(UInt64(capacity[row]) % HeapLayout.pageArea == 0, "row \(row): \(capacity[row])")
    }
    #expect(try #require(capacity.last) >= 100_000 * 1024 - young, "100 MiB kept, capacity \(capacity.last!)")
  }

  @Test func aHoldRunsTheScavengeTaskNewSpacePastEightyPercentPosted() throws {
    // 900 dead objects of 1 KiB pass 80% of new space's first 1 MiB semi-space without filling it: V8 posts a
    // scavenge task, which runs once the program waits.
    let result = try OomlabProcess.run(
      """
      name: hold-scavenge
      sample: 20ms
      steps:
        - objects: { count: 900, size: 1KiB, garbage: true }
        - hold: 60ms
      """)
    defer { result.cleanUp() }
    #expect(result.status == 0, "\(result.stderr)")
    let csv = try #require(result.csv)
    #expect(csv.value("scavenge_count", atStepIndex: 0).last == 0, "the objects step filled new space")
    #expect(csv.value("scavenge_count", atStep: "end").last == 1)
    #expect(csv.value("heap_used_bytes", atStep: "end").last == 0)
  }
}
