import Testing

@testable import OomlabKit

/// How a matrix crosses its axes, names its cells and leaves out what does not apply, before anything runs.
@Suite struct MatrixPlanTests {
  static func scenario(_ extra: String = "", name: String = "s") throws -> Scenario {
    try ScenarioParser.parse(yaml: "name: \(name)\n\(extra)steps:\n  - hold: 1ms\n", file: "\(name).yaml")
  }

  static func axes(
    allocator: String? = nil, memoryLimit: String? = nil, heapLimit: String? = nil, arenaMax: String? = nil,
    mallocConf: [String] = []
  ) throws -> MatrixAxes {
    try MatrixAxes.parse(
      allocator: allocator, memoryLimit: memoryLimit, heapLimit: heapLimit, arenaMax: arenaMax, mallocConf: mallocConf)
  }

  @Test func everyAxisIsCrossed() throws {
    let plan = try MatrixPlan(
      scenarios: [try Self.scenario()],
      axes: try Self.axes(memoryLimit: "256Mi,1g", heapLimit: "50%,75%,100%", arenaMax: "none,1,4"))
    #expect(plan.cells.count == 2 * 3 * 3)
    #expect(plan.notes.isEmpty)
    #expect(plan.cells.map(\.base).prefix(4) == [
      "s-glibc-256MiB-heap50%", "s-glibc-256MiB-heap50%-arenas1", "s-glibc-256MiB-heap50%-arenas4",
      "s-glibc-256MiB-heap75%",
    ])
    #expect(plan.cells.last?.base == "s-glibc-1GiB-heap100%-arenas4")
    #expect(Set(plan.cells.map(\.base)).count == plan.cells.count)
  }

  @Test func aValueIsNamedTheSameFromTheFlagOrTheScenario() throws {
    let fromFile = try MatrixPlan(
      scenarios: [try Self.scenario("limit: 268435456\nheap-limit: 75%\narena-max: 2\n")], axes: MatrixAxes())
    let fromFlags = try MatrixPlan(
      scenarios: [try Self.scenario()], axes: try Self.axes(memoryLimit: "256m", heapLimit: "75.0%", arenaMax: "2"))
    #expect(fromFile.cells.map(\.base) == ["s-glibc-256MiB-heap75%-arenas2"])
    #expect(fromFlags.cells.map(\.base) == fromFile.cells.map(\.base))
    #expect(fromFile.cells[0].limitName == "256MiB" && fromFlags.cells[0].limitName == "256MiB")
    let none = try MatrixPlan(scenarios: [try Self.scenario()], axes: try Self.axes(memoryLimit: "none"))
    let unset = try MatrixPlan(scenarios: [try Self.scenario()], axes: MatrixAxes())
    #expect(none.cells.map(\.base) == ["s-glibc-none"] && unset.cells.map(\.base) == ["s-glibc-none"])
  }

  @Test func valuesThatMeanTheSameAreOneValue() throws {
    let axes = try Self.axes(
      allocator: "glibc,libc", memoryLimit: "256Mi,256MiB,268435456,256m", heapLimit: "50%,50.0%", arenaMax: "2,2",
      mallocConf: ["a:1", "a:1"])
    #expect(axes.allocators == ["glibc"])
    #expect(axes.limits == [.bytes(256 << 20)])
    #expect(axes.heapLimits == [.percentOfLimit(50)])
    #expect(axes.arenaMaxes == [.value(2)])
    #expect(axes.mallocConfs == [.value("a:1")])
  }

  @Test func aTuningMeetingAnAllocatorItDoesNotApplyToIsSkippedWithANote() throws {
    let plan = try MatrixPlan(
      scenarios: [try Self.scenario()],
      axes: try Self.axes(
        allocator: "glibc,jemalloc", arenaMax: "none,2", mallocConf: ["none", "dirty_decay_ms:0,muzzy_decay_ms:0"]))
    #expect(plan.cells.map(\.base) == [
      "s-glibc-none", "s-glibc-none-arenas2", "s-jemalloc-none", "s-jemalloc-none-conf-dirty_decay_ms=0+muzzy_decay_ms=0",
    ])
    #expect(plan.notes == [
      "skipped 2 cells: --malloc-conf \"dirty_decay_ms:0,muzzy_decay_ms:0\" is jemalloc's, not glibc's",
      "skipped 2 cells: --arena-max 2 is glibc's, not jemalloc's",
    ])
  }

  @Test func theScenariosOwnTuningIsSkippedUnderAnAxisAllocatorButRefusedAlone() throws {
    let tuned = try Self.scenario("allocator: jemalloc\nmalloc-conf: \"a:1\"\n")
    let plan = try MatrixPlan(scenarios: [tuned], axes: try Self.axes(allocator: "glibc,jemalloc"))
    #expect(plan.cells.map(\.base) == ["s-jemalloc-none-conf-a=1"])
    #expect(plan.notes == ["skipped 1 cell: the scenario's malloc-conf \"a:1\" is jemalloc's, not glibc's"])
    // Without an axis to blame, the mismatch is the scenario's own error, which `run` reports.
    let wrong = try Self.scenario("malloc-conf: \"a:1\"\n")
    let alone = try MatrixPlan(scenarios: [wrong], axes: MatrixAxes())
    #expect(alone.cells.count == 1 && alone.notes.isEmpty)
  }

  @Test func aShareOfNoLimitIsSkipped() throws {
    let plan = try MatrixPlan(
      scenarios: [try Self.scenario()], axes: try Self.axes(memoryLimit: "none,512Mi", heapLimit: "75%,128MiB"))
    // In the matrix's order: limits ascending with none last, sizes before shares.
    #expect(plan.cells.map(\.base) == ["s-glibc-512MiB-heap128MiB", "s-glibc-512MiB-heap75%", "s-glibc-none-heap128MiB"])
    #expect(plan.notes == ["skipped 1 cell: --heap-limit 75% is a share of the memory limit, and the limit is none"])
  }

  @Test func aMatrixWithNoCellLeftIsRefusedWithEveryReason() throws {
    #expect(throws: MatrixUsageError.noCells(notes: ["skipped 1 cell: --malloc-conf \"dirty_decay_ms:0\" is jemalloc's, not glibc's"])) {
      _ = try MatrixPlan(scenarios: [try Self.scenario()], axes: try Self.axes(mallocConf: ["dirty_decay_ms:0"]))
    }
  }

  @Test func theOrderIsTheSameWhateverOrderTheInputsCameIn() throws {
    let (a, b) = (try Self.scenario(name: "a"), try Self.scenario(name: "b"))
    let one = try MatrixPlan(
      scenarios: [b, a],
      axes: try Self.axes(memoryLimit: "none,1g,256Mi", heapLimit: "75%,64Mi", arenaMax: "4,none,1"))
    let other = try MatrixPlan(
      scenarios: [a, b],
      axes: try Self.axes(memoryLimit: "256Mi,none,1g", heapLimit: "64Mi,75%", arenaMax: "1,4,none"))
    #expect(one.cells.map(\.base) == other.cells.map(\.base))
    #expect(one.cells.map(\.base).prefix(7) == [
      "a-glibc-256MiB-heap64MiB", "a-glibc-256MiB-heap64MiB-arenas1", "a-glibc-256MiB-heap64MiB-arenas4",
      "a-glibc-256MiB-heap75%", "a-glibc-256MiB-heap75%-arenas1", "a-glibc-256MiB-heap75%-arenas4",
      "a-glibc-1GiB-heap64MiB",
    ])
    #expect(one.cells.last?.base == "b-glibc-none-heap64MiB-arenas4")
    // A summary row sorts where its cell does, which is how `collect` restores the order.
    let rows = one.cells.map { MatrixSummary.failedRow($0) }
    #expect(rows.reversed().sorted { MatrixCellKey(row: $0)! < MatrixCellKey(row: $1)! } == rows)
    #expect(one.limits == [256 << 20, 1 << 30, nil])
    #expect(one.indices(limit: nil).map { one.cells[$0].limitName } == Array(repeating: "none", count: 6))
  }

  @Test func cellsThatWouldShareANameAreNumbered() throws {
    let plan = try MatrixPlan(
      scenarios: [try Self.scenario(name: "a"), try Self.scenario(name: "a")], axes: MatrixAxes())
    #expect(plan.cells.map(\.base) == ["a-glibc-none", "a-glibc-none-2"])
  }

  @Test func twoFilesOfOneNameAreInOneOrderHoweverTheirPathsAreSpelled() throws {
    // A pod reads the files as ConfigMap keys numbered in command-line order, not under their paths.
    let text = { (bytes: String) in "name: leak\nsteps:\n  - hold: \(bytes)\n" }
    let local = try MatrixPlan(
      scenarios: [
        try ScenarioParser.parse(yaml: text("2ms"), file: "b/leak.yaml"),
        try ScenarioParser.parse(yaml: text("1ms"), file: "a/leak.yaml"),
      ], axes: MatrixAxes())
    let pod = try MatrixPlan(
      scenarios: [
        try ScenarioParser.parse(yaml: text("2ms"), file: "scenarios/leak.yaml"),
        try ScenarioParser.parse(yaml: text("1ms"), file: "scenarios/2-leak.yaml"),
      ], axes: MatrixAxes())
    let reversed = try MatrixPlan(
      scenarios: [
        try ScenarioParser.parse(yaml: text("1ms"), file: "./a/../a/leak.yaml"),
        try ScenarioParser.parse(yaml: text("2ms"), file: "b/leak.yaml"),
      ], axes: MatrixAxes())
    #expect(local.cells.map(\.scenario.source) == pod.cells.map(\.scenario.source))
    #expect(local.cells.map(\.scenario.source) == reversed.cells.map(\.scenario.source))
    #expect(local.cells.map(\.base) == pod.cells.map(\.base))
  }

  /// Two libraries of one file name are two allocators, in the order of their paths whatever order they came in.
  @Test func librariesOfOneFileNameAreToldApartByTheirPaths() throws {
    let one = try MatrixPlan(scenarios: [try Self.scenario()], axes: try Self.axes(allocator: "y/libfoo.so,x/libfoo.so"))
    let other = try MatrixPlan(scenarios: [try Self.scenario()], axes: try Self.axes(allocator: "x/libfoo.so,y/libfoo.so"))
    #expect(one.cells.map(\.base) == ["s-x_libfoo.so-none", "s-y_libfoo.so-none"])
    #expect(other.cells.map(\.base) == one.cells.map(\.base))
    let rows = one.cells.map { MatrixSummary.failedRow($0) }
    #expect(rows.map { $0[MatrixSummary.header.firstIndex(of: "allocator")!] } == ["x/libfoo.so", "y/libfoo.so"])
    #expect(rows.reversed().sorted { MatrixCellKey(row: $0)! < MatrixCellKey(row: $1)! } == rows)
    #expect(one.cells[0].label.contains("under x/libfoo.so"))
  }

  @Test func aMallocConfIsMadeSafeForAFileName() {
    #expect(MatrixCell.fileSafe("dirty_decay_ms:0,muzzy_decay_ms:0") == "dirty_decay_ms=0+muzzy_decay_ms=0")
    #expect(MatrixCell.fileSafe("a:/x y") == "a=_x_y")
    #expect(MatrixCell.fileSafe(String(repeating: "k", count: 300)).utf8.count == MatrixCell.confNameBytes)
  }

  @Test(arguments: [
    ("--allocator", "glibc,,jemalloc", "--allocator expects a comma-separated list without empty items"),
    ("--memory-limit", "256MiB,lots", "--memory-limit expects a size like 512MiB, 512Mi, 512m, 4KB or 4096, or none, got \"lots\""),
    ("--heap-limit", "50%,150%", "--heap-limit expects a size like 512MiB, 512Mi, 512m, 4KB or 4096, or a share of the memory limit like 75%, got \"150%\""),
    ("--arena-max", "1,0", "--arena-max expects an integer in 1...1024 or none, got \"0\""),
    ("--malloc-conf", "", "--malloc-conf is empty"),
  ])
  func aBadItemIsRefusedNamingItsFlag(_ flag: String, _ text: String, _ message: String) throws {
    let error = try #require(
      #expect(throws: MatrixUsageError.self) {
        _ = try MatrixAxes.parse(
          allocator: flag == "--allocator" ? text : nil, memoryLimit: flag == "--memory-limit" ? text : nil,
          heapLimit: flag == "--heap-limit" ? text : nil, arenaMax: flag == "--arena-max" ? text : nil,
          mallocConf: flag == "--malloc-conf" ? [text] : [])
      })
    #expect(error.description.hasPrefix(message), "\(error)")
  }

  @Test func aCellAsksForWhatItsAxesSayAndLeavesTheRestToTheScenario() throws {
    let plan = try MatrixPlan(
      scenarios: [try Self.scenario("limit: 1GiB\n")], axes: try Self.axes(heapLimit: "75%", arenaMax: "none"))
    let request = plan.cells[0].request(interval: 50_000_000, enforce: .simulated)
    #expect(request.memoryLimit == nil)
    #expect(request.allocator == nil)
    #expect(request.heapLimit.flatMap(SizeSpec.parse) == .percentOfLimit(75))
    #expect(request.arenaMax == TuningSetting<Int>.none)
    #expect(request.mallocConf == nil)
    #expect(request.interval == 50_000_000)
    #expect(request.enforce == .simulated)
  }
}
