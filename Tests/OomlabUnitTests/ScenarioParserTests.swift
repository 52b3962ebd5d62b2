import Testing

@testable import OomlabKit
import OomlabTestSupport

@Suite struct ScenarioParserTests {
  static func parse(_ yaml: String) throws -> Scenario {
    try ScenarioParser.parse(yaml: yaml, file: "good.yaml")
  }

  /// A leak without `for:` is taken when something ends it: a limit, a timeout, or for objects a heap limit.
  @Test(arguments: [
    "limit: 64MiB\nsteps: [ leak: { rate: 1MiB/s } ]",
    "timeout: 5s\nsteps: [ leak: { rate: 1MiB/s } ]",
    "heap-limit: 16MiB\nsteps: [ leak: { rate: 1MiB/s, of: objects } ]",
    "steps: [ leak: { rate: 1MiB/s, for: 2s } ]",
  ])
  func aBoundedLeakIsTaken(_ body: String) throws {
    let scenario = try ScenarioParser.parse(yaml: "name: x\n" + body + "\n", file: "x.yaml")
    #expect(scenario.stepKinds == ["leak"])
  }

  @Test func theTimeoutIsReadAsADuration() throws {
    let scenario = try ScenarioParser.parse(yaml: "name: x\ntimeout: 90s\nsteps: [ hold: 1s ]\n", file: "x.yaml")
    #expect(scenario.timeout == 90_000_000_000)
    #expect(try ScenarioParser.parse(yaml: "name: x\nsteps: [ hold: 1s ]\n", file: "x.yaml").timeout == nil)
  }

  /// Each step's `as:` name by its pre-order index, for the live status line.
  @Test func stepNamesFollowTheStepIndex() throws {
    let scenario = try ScenarioParser.parse(
      yaml: "name: x\nsteps:\n  - hold: 1s\n  - buffers: { count: 1, size: 1MiB, as: blob }\n", file: "x.yaml")
    #expect(scenario.stepNames == [nil, "blob"])
  }

  @Test("refuses a bad scenario with its place, field and value", arguments: ScenarioCorpus.bad)
  func refuses(_ bad: BadScenario) throws {
    let error = try #require(ScenarioCorpus.error(bad.yaml))
    #expect(error.file == ScenarioCorpus.file)
    #expect(error.line == bad.line)
    if let column = bad.column { #expect(error.column == column) }
    #expect(error.field == bad.field)
    #expect(error.problem.contains(bad.phrase), "\(error.problem)")
  }

  @Test func theCorpusIsLargeAndEachCaseDistinct() {
    #expect(ScenarioCorpus.bad.count >= 30)
    #expect(Set(ScenarioCorpus.bad.map(\.label)).count == ScenarioCorpus.bad.count)
    #expect(Set(ScenarioCorpus.bad.map(\.yaml)).count == ScenarioCorpus.bad.count)
  }

  @Test func errorDescriptionReadsFileLineColumnFieldProblem() throws {
    let error = try #require(ScenarioCorpus.error("name: x\nsteps:\n  - buffers: { count: 1, size: 0 }\n"))
    #expect(
      error.description
        == "bad.yaml:3:32: steps[0].buffers.size: expected a size like 512MiB, 512Mi, 512m, 4KB or 4096, or a share of the limit like 75%; a size must be above zero, got \"0\""
    )
    let whole = try #require(ScenarioCorpus.error(""))
    #expect(whole.description == "bad.yaml: the file is empty; expected a mapping with name, about and steps")
  }

  @Test func unknownKeysAreReportedAfterTheyAreAllKnown() throws {
    // The list of allowed keys must be complete even when the unknown key comes first.
    let error = try #require(
      ScenarioCorpus.error("name: x\nsteps:\n  - native: { colour: red, count: 1, size: 1KiB }\n"))
    #expect(error.field == "steps[0].native.colour")
    #expect(error.problem.contains("expected one of: size, count, touch, threads, every, seed, as"))
  }

  // MARK: - Good scenarios

  @Test func stepIndicesArePreOrder() throws {
    let scenario = try Self.parse(
      """
      name: order
      steps:
        - buffers: { count: 2, size: 1MiB, as: bufs }
        - repeat:
            times: 3
            steps:
              - native: { count: 4, size: 1KiB }
              - free: { what: bufs, fraction: 0.5 }
        - hold: 1s
      """)
    #expect(scenario.stepKinds == ["buffers", "repeat", "native", "free", "hold"])
    #expect(scenario.processes.count == 1)
    let worker = try #require(scenario.processes.first)
    #expect(worker.name == "worker")
    #expect(worker.oomScoreAdj == nil)
    #expect(worker.steps.map(\.index) == [0, 1, 4])
    #expect(worker.steps.map(\.kind) == ["buffers", "repeat", "hold"])
    let loop = try #require(worker.steps[1].step as? Repeat)
    #expect(loop.times == 3)
    #expect(loop.steps.map(\.index) == [2, 3])
    #expect(loop.steps.map(\.kind) == ["native", "free"])
  }

  @Test func nestedRepeatsNumberDepthFirst() throws {
    let scenario = try Self.parse(
      """
      name: nested
      steps:
        - repeat:
            until: killed
            steps:
              - repeat:
                  times: 2
                  steps: [ { native: { count: 1, size: 1KiB } }, { hold: 10ms } ]
              - hold: 1s
        - hold: 1s
      """)
    #expect(scenario.stepKinds == ["repeat", "repeat", "native", "hold", "hold", "hold"])
    let outer = try #require(scenario.processes[0].steps[0].step as? Repeat)
    #expect(outer.times == nil)
    #expect(outer.steps.map(\.index) == [1, 4])
    let inner = try #require(outer.steps[0].step as? Repeat)
    #expect(inner.steps.map(\.index) == [2, 3])
    #expect(scenario.processes[0].steps.map(\.index) == [0, 5])
  }

  @Test func topLevelFieldsAndDefaults() throws {
    let scenario = try Self.parse(
      """
      name: defaults
      about: |
        Two lines
        of prose.
      steps:
        - hold: 1s
      """)
    #expect(scenario.file == "good.yaml")
    #expect(scenario.version == 1)
    #expect(scenario.name == "defaults")
    #expect(scenario.about == "Two lines\nof prose.\n")
    #expect(scenario.limit == nil)
    #expect(scenario.heapLimit == nil)
    #expect(scenario.allocator == nil)
    #expect(scenario.mallocConf == nil)
    #expect(scenario.arenaMax == nil)
    #expect(scenario.sampleInterval == nil)
    #expect(scenario.expect == nil)
    #expect(scenario.percentFields.isEmpty)
    #expect(scenario.problems(limit: nil, allocator: .glibc).isEmpty)
  }

  @Test func topLevelFieldsAreRead() throws {
    let scenario = try Self.parse(
      """
      version: 1
      name: all-fields
      limit: 1GiB
      heap-limit: 512MiB
      allocator: jemalloc
      malloc-conf: "dirty_decay_ms:0"
      arena-max: 2
      sample: 50ms
      expect: oom-kill
      steps:
        - hold: 2s
      """)
    #expect(scenario.limit == .bytes(1 << 30))
    #expect(scenario.heapLimit == .bytes(512 << 20))
    #expect(scenario.allocator == "jemalloc")
    #expect(scenario.mallocConf == "dirty_decay_ms:0")
    #expect(scenario.arenaMax == 2)
    #expect(scenario.sampleInterval == 50_000_000)
    #expect(scenario.expect == .oomKill)
    let hold = try #require(scenario.processes[0].steps[0].step as? Hold)
    #expect(hold.duration == 2_000_000_000)
  }

  @Test func kubernetesAndDockerSizesAndHoursAreRead() throws {
    let scenario = try Self.parse(
      """
      name: spellings
      limit: 256m
      heap-limit: 192Mi
      sample: 1h
      steps:
        - buffers: { count: 2, size: 2Mi, every: 0.5h }
        - native: { count: 1, size: [1k, 4Ki] }
        - pages: { size: 1G, pattern: sparse 2m }
        - leak: { rate: 1Mi/s, block: 64k, for: 24h }
        - hold: 1.5h
      """)
    #expect(scenario.limit == .bytes(256 << 20))
    #expect(scenario.heapLimit == .bytes(192 << 20))
    #expect(scenario.sampleInterval == 3_600_000_000_000)
    let steps = scenario.processes[0].steps.map(\.step)
    let buffers = try #require(steps[0] as? Buffers)
    #expect(buffers.size == .bytes(2 << 20))
    #expect(buffers.every == 1_800_000_000_000)
    #expect((steps[1] as? Native)?.size == 1024...4096)
    let pages = try #require(steps[2] as? Pages)
    #expect(pages.size == .bytes(1 << 30))
    #expect(pages.pattern == .sparse(stride: 2 << 20))
    let leak = try #require(steps[3] as? Leak)
    #expect(leak.rate == 1 << 20)
    #expect(leak.block == 64 << 10)
    #expect(leak.duration == 86_400_000_000_000)
    #expect((steps[4] as? Hold)?.duration == 5_400_000_000_000)
  }

  @Test func limitNoneIsAnExplicitAbsence() throws {
    let scenario = try Self.parse("name: unlimited\nlimit: none\nsteps:\n  - hold: 1s\n")
    guard case .some(.none) = scenario.limit else {
      Issue.record("expected limit: none to parse as .some(nil), got \(String(describing: scenario.limit))")
      return
    }
  }

  @Test func percentFieldsAreRecordedInFileOrder() throws {
    let scenario = try Self.parse(
      """
      name: shares
      heap-limit: 75%
      steps:
        - buffers: { count: 10, size: 10% }
        - pages: { size: 50% }
      """)
    #expect(scenario.heapLimit == .percentOfLimit(75))
    #expect(scenario.percentFields.map(\.field) == ["heap-limit", "steps[0].buffers.size", "steps[1].pages.size"])
    #expect(scenario.percentFields.map(\.line) == [2, 4, 5])
    #expect(scenario.percentFields.map(\.column) == [13, 33, 20])
    let buffers = try #require(scenario.processes[0].steps[0].step as? Buffers)
    #expect(buffers.size == .percentOfLimit(10))
    #expect(buffers.size.resolve(limit: 1000) == 100)
    #expect(buffers.size.resolve(limit: nil) == nil)
  }

  @Test func percentagesNeedALimit() throws {
    let scenario = try Self.parse(
      "name: shares\nsteps:\n  - hold: 1s\n  - buffers: { count: 1, size: 25% }\n")
    let problems = scenario.problems(limit: nil, allocator: .glibc)
    #expect(problems.count == 1)
    let error = try #require(problems.first)
    #expect(error.file == "good.yaml")
    #expect(error.field == "steps[1].buffers.size")
    #expect(error.line == 4)
    #expect(error.column == 32)
    #expect(error.problem.contains("a percentage needs a memory limit"))
    #expect(scenario.problems(limit: 1 << 30, allocator: .glibc).isEmpty)
  }

  @Test func stepDefaults() throws {
    let scenario = try Self.parse(
      """
      name: defaults
      timeout: 1m
      steps:
        - buffers: { count: 3, size: 1MiB }
        - pages: { size: 8MiB }
        - pages: { size: 8MiB, pattern: sparse 2MiB }
        - native: { count: 5, size: 4KiB }
        - threads: { count: 2 }
        - leak: { rate: 50MiB/s }
        - free: { what: all }
        - hold: { for: 250ms }
      """)
    let steps = scenario.processes[0].steps.map(\.step)
    let buffers = try #require(steps[0] as? Buffers)
    #expect(buffers.count == 3)
    #expect(buffers.size == .bytes(1 << 20))
    #expect(buffers.touch == 1)
    #expect(buffers.every == 0)
    #expect(buffers.name == nil)

    let pages = try #require(steps[1] as? Pages)
    #expect(pages.touch == 0)
    #expect(pages.pattern == .sequential)
    #expect(pages.advise == nil)
    #expect(pages.populate == false)

    let sparse = try #require(steps[2] as? Pages)
    #expect(sparse.pattern == .sparse(stride: 2 << 20))
    #expect(sparse.touch == 1)

    let native = try #require(steps[3] as? Native)
    #expect(native.size == 4096...4096)
    #expect(native.touch == 1)
    #expect(native.threads == 1)
    #expect(native.every == 0)

    let threads = try #require(steps[4] as? Threads)
    #expect(threads.stack == 8 << 20)
    #expect(threads.touch == 0)

    let leak = try #require(steps[5] as? Leak)
    #expect(leak.rate == 50 << 20)
    #expect(leak.block == 1 << 20)
    #expect(leak.of == .native)
    #expect(leak.duration == nil)

    let free = try #require(steps[6] as? Free)
    #expect(free.target == .all)
    #expect(free.fraction == 1)
    #expect(free.pattern == .random)
    #expect(free.seed == 42)

    let hold = try #require(steps[7] as? Hold)
    #expect(hold.duration == 250_000_000)
  }

  @Test func stepFieldsAreRead() throws {
    let scenario = try Self.parse(
      """
      name: fields
      steps:
        - buffers: { count: 2, size: 1.5 KiB, touch: none, every: 20ms, as: bufs }
        - native: { count: 8, size: [1KiB, 4KiB], touch: 25%, threads: 4, seed: 7, as: blocks }
        - pages: { size: 64MiB, touch: 0.5, pattern: random, advise: hugepage, populate: true }
        - threads: { count: 4, stack: 1MiB, touch: 512KiB, as: workers }
        - leak: { rate: 1GB/s, block: 64KiB, of: buffers, for: 3s, as: drip }
        - free: { what: blocks, fraction: 0.25, pattern: every-other, seed: 9 }
        - free: { what: pages, pattern: oldest }
        - oom-score-adj: -500
      """)
    let steps = scenario.processes[0].steps.map(\.step)
    let buffers = try #require(steps[0] as? Buffers)
    #expect(buffers.size == .bytes(1536))
    #expect(buffers.touch == 0)
    #expect(buffers.every == 20_000_000)
    #expect(buffers.definedName == "bufs")

    let native = try #require(steps[1] as? Native)
    #expect(native.size == 1024...4096)
    #expect(native.touch == 0.25)
    #expect(native.threads == 4)
    #expect(native.seed == 7)

    let pages = try #require(steps[2] as? Pages)
    #expect(pages.touch == 0.5)
    #expect(pages.pattern == .random)
    #expect(pages.advise != nil)
    #expect(pages.populate)

    let threads = try #require(steps[3] as? Threads)
    #expect(threads.count == 4)
    #expect(threads.stack == 1 << 20)
    #expect(threads.touch == 512 << 10)

    let leak = try #require(steps[4] as? Leak)
    #expect(leak.rate == 1_000_000_000)
    #expect(leak.block == 64 << 10)
    #expect(leak.of == .buffers)
    #expect(leak.duration == 3_000_000_000)

    let free = try #require(steps[5] as? Free)
    #expect(free.target == .name("blocks"))
    #expect(free.fraction == 0.25)
    #expect(free.pattern == .everyOther)
    #expect(free.seed == 9)

    let freePages = try #require(steps[6] as? Free)
    #expect(freePages.target == .kind(.pages))
    #expect(freePages.pattern == .oldest)

    let adj = try #require(steps[7] as? OomScoreAdj)
    #expect(adj.value == -500)
  }

  @Test func processesHaveTheirOwnStepsAndNames() throws {
    let scenario = try Self.parse(
      """
      name: neighbours
      processes:
        - name: cache
          oom-score-adj: 500
          steps:
            - buffers: { count: 1, size: 1MiB, as: blob }
            - free: { what: blob }
        - name: api
          steps:
            - native: { count: 1, size: 1KiB, as: blob }
            - free: { what: blob }
      """)
    #expect(scenario.processes.map(\.name) == ["cache", "api"])
    #expect(scenario.processes.map(\.oomScoreAdj) == [500, nil])
    // Step indices run on across processes, so each names one CSV step label.
    #expect(scenario.processes.map { $0.steps.map(\.index) } == [[0, 1], [2, 3]])
    #expect(scenario.stepKinds == ["buffers", "free", "native", "free"])
  }

  @Test func quotedNumbersAndSizesWithSpacesAreAccepted() throws {
    let scenario = try Self.parse("name: \"quoted-1\"\nsteps:\n  - buffers: { count: \"10\", size: \" 2 MiB \" }\n")
    #expect(scenario.name == "quoted-1")
    let buffers = try #require(scenario.processes[0].steps[0].step as? Buffers)
    #expect(buffers.count == 10)
    #expect(buffers.size == .bytes(2 << 20))
  }

  // MARK: - Every problem, YAML features and settings (issue 8, items 1, 21, 22, 24)

  @Test func everyProblemInAFileIsReportedInFileOrder() throws {
    let yaml = """
      name: many problems
      colour: red
      sample: 0ms
      steps:
        - buffers: { count: 0, size: 1MiB }
        - hold: forever
        - explode: 1
        - repeat:
            times: 2
            steps:
              - native: { count: 1, size: lots }
        - free: { what: ghost }
      """
    guard case .failure(let errors) = ScenarioParser.check(yaml: yaml, file: "many.yaml") else {
      Issue.record("a file with eight problems was accepted")
      return
    }
    #expect(errors.all.map(\.field) == [
      "name", "colour", "sample", "steps[0].buffers.count", "steps[1].hold", "steps[2]",
      "steps[3].repeat.steps[0].native.size", "steps[4].free.what",
    ])
    #expect(errors.all.map(\.line) == [1, 2, 3, 5, 6, 7, 11, 12])
    #expect(errors.first.field == "name")
    // The first problem is what a plain parse throws.
    #expect(throws: errors.first) { try ScenarioParser.parse(yaml: yaml, file: "many.yaml") }
  }

  @Test func aFileOfManyProblemsStopsCollectingAtAHundred() throws {
    let yaml = "name: x\nsteps: [" + Array(repeating: "a", count: 5000).joined(separator: ", ") + "]\n"
    guard case .failure(let errors) = ScenarioParser.check(yaml: yaml, file: "many.yaml") else {
      Issue.record("5000 unknown steps were accepted")
      return
    }
    #expect(errors.all.count == ParseContext.maximumErrors)
    #expect(errors.truncated)
    #expect(errors.all.last?.field == "steps[99]")
    #expect(errors.description.hasSuffix("\nmany.yaml: more problems follow; only the first 100 are listed"))
  }

  @Test func aStepThatFailsStillDefinesItsNameForLaterFrees() throws {
    guard
      case .failure(let errors) = ScenarioParser.check(
        yaml: "name: x\nsteps:\n  - buffers: { count: 0, size: 1MiB, as: bufs }\n  - free: { what: bufs }\n",
        file: "f.yaml")
    else {
      Issue.record("a zero count was accepted")
      return
    }
    #expect(errors.all.map(\.field) == ["steps[0].buffers.count"])
  }

  @Test func everyUnknownKeyIsReported() throws {
    guard
      case .failure(let errors) = ScenarioParser.check(
        yaml: "name: x\nsteps:\n  - pages: { size: 1MiB, colour: red, flavour: sour }\n", file: "f.yaml")
    else {
      Issue.record("unknown keys were accepted")
      return
    }
    #expect(errors.all.map(\.field) == ["steps[0].pages.colour", "steps[0].pages.flavour"])
  }

  @Test func aByteOrderMarkIsAccepted() throws {
    let scenario = try Self.parse("\u{FEFF}name: bom\nsteps:\n  - hold: 1s\n")
    #expect(scenario.name == "bom")
    // Columns on the first line count from after the mark, as an editor shows them.
    let error = try #require(ScenarioCorpus.error("\u{FEFF}name: a b\nsteps:\n  - hold: 1s\n"))
    #expect((error.line, error.column) == (1, 7))
  }

  @Test func mergeKeysMergeWithTheMappingsOwnKeysWinning() throws {
    let scenario = try Self.parse(
      """
      name: merged
      steps:
        - buffers: &small { count: 4, size: 1KiB, touch: none }
        - buffers: { <<: *small, count: 8 }
        - native: { <<: [ { count: 2, size: 4KiB }, { count: 9, threads: 2 } ] }
        - <<: { hold: 5ms }
      """)
    let steps = scenario.processes[0].steps.map(\.step)
    let merged = try #require(steps[1] as? Buffers)
    #expect(merged.count == 8)
    #expect(merged.size == .bytes(1024))
    #expect(merged.touch == 0)
    // Earlier mappings in a merge list win over later ones.
    let native = try #require(steps[2] as? Native)
    #expect(native.count == 2)
    #expect(native.size == 4096...4096)
    #expect(native.threads == 2)
    #expect((steps[3] as? Hold)?.duration == 5_000_000)
  }

  @Test func aliasesThatStandForFewNodesAreAccepted() throws {
    var yaml = "name: shared\nsteps:\n  - repeat: &body { times: 2, steps: [ { hold: 1ms }, { hold: 2ms } ] }\n"
    for _ in 0..<100 { yaml += "  - repeat: *body\n" }
    let scenario = try Self.parse(yaml)
    #expect(scenario.processes[0].steps.count == 101)
    #expect(scenario.stepKinds.count == 303)
  }

  @Test func anErrorFoundWhileCountingAliasesQuotesThemAsWritten() throws {
    let error = try #require(ScenarioCorpus.error("name: x\nabout: &a hi\nsteps:\n  - hold: { *a : 1, *a : 2 }\n"))
    #expect(error.problem == "duplicate key \"*a\"; expected each key once", "\(error)")
    #expect(error.line == 4)
  }

  @Test func theAliasCountStopsJustPastItsLimit() throws {
    // An anchored list of 99 scalars is 100 nodes: 100 aliases of it are exactly the limit.
    let list = "[" + Array(repeating: "a", count: 99).joined(separator: ", ") + "]"
    func yaml(_ aliases: Int) -> String {
      "name: x\nabout: &l \(list)\nsteps:\n  - hold: 1s\n"
        + "processes: [" + Array(repeating: "*l", count: aliases).joined(separator: ", ") + "]\n"
    }
    let atLimit = try #require(ScenarioCorpus.error(yaml(100)))
    #expect(!atLimit.problem.contains("YAML nodes"), "\(atLimit)")
    let past = try #require(ScenarioCorpus.error(yaml(101)))
    #expect(past.problem.contains("the alias *l makes aliases stand for more than 10000 YAML nodes"), "\(past)")
    #expect(past.line == 5)
  }

  @Test func errorDescriptionsNeverCarryControlCharacters() throws {
    let error = try #require(ScenarioCorpus.error("name: \"red\\e[31m\\0\"\nsteps:\n  - hold: 1s\n"))
    #expect(error.problem.contains("\u{1B}"))
    #expect(!error.description.unicodeScalars.contains { $0.value < 0x20 || $0.value == 0x7F })
    #expect(error.description.contains("red\\u{1B}[31m\\u{0}"))
  }

  @Test func aShareThatResolvesToZeroBytesIsRefusedWithItsValue() throws {
    let scenario = try Self.parse("name: x\nsteps:\n  - buffers: { count: 1, size: 0.00001% }\n")
    let problems = scenario.problems(limit: 1 << 20, allocator: .glibc)
    let error = try #require(problems.first)
    #expect(error.field == "steps[0].buffers.size")
    #expect((error.line, error.column) == (3, 32))
    #expect(error.problem == "\"0.00001%\" of the 1048576-byte limit is 0 bytes; expected a size above zero")
    #expect(scenario.problems(limit: 1 << 40, allocator: .glibc).isEmpty)
  }

  @Test func aShareIsBoundedLikeAWrittenSizeOnceTheLimitIsKnown() throws {
    let scenario = try Self.parse(
      "name: x\nheap-limit: 50%\nsteps:\n  - buffers: { count: 3, size: 50% }\n  - pages: { size: 100% }\n")
    #expect(scenario.problems(limit: 1 << 30, allocator: .glibc).isEmpty)
    let small = scenario.problems(limit: 1 << 20, allocator: .glibc)
    #expect(small.map(\.field) == ["heap-limit"])
    #expect(small.first?.problem.contains("\"50%\" of the 1048576-byte limit is 524288 bytes, below the smallest heap limit") == true)
    let large = scenario.problems(limit: 1 << 40, allocator: .glibc)
    #expect(large.map(\.field) == ["steps[0].buffers.size"])
    #expect(large.first?.problem.contains("3 x 549755813888 bytes") == true)
    let huge = scenario.problems(limit: 4 << 40, allocator: .glibc)
    #expect(huge.map(\.field) == ["heap-limit", "steps[0].buffers.size", "steps[1].pages.size"])
  }

  @Test func allocatorTuningMustSuitTheAllocatorTheRunUses() throws {
    let conf = try Self.parse("name: x\nmalloc-conf: \"dirty_decay_ms:0\"\nsteps:\n  - hold: 1s\n")
    let refused = try #require(conf.problems(limit: nil, allocator: .glibc).first)
    #expect((refused.line, refused.column, refused.field) == (2, 14, "malloc-conf"))
    #expect(refused.problem.contains("malloc-conf \"dirty_decay_ms:0\" is jemalloc's; the allocator is glibc"))
    #expect(conf.problems(limit: nil, allocator: .jemalloc).isEmpty)
    #expect(conf.problems(limit: nil, allocator: .glibc, overridden: ["malloc-conf"]).isEmpty)
    // allocator: glibc is what `--allocator jemalloc` replaces, so only the allocator in force decides.
    let named = try Self.parse("name: x\nallocator: glibc\nmalloc-conf: \"a:1\"\nsteps:\n  - hold: 1s\n")
    #expect(named.problems(memoryLimit: nil, allocator: nil).map(\.field) == ["malloc-conf"])
    #expect(named.problems(memoryLimit: nil, allocator: "jemalloc").isEmpty)
    let arenas = try Self.parse("name: x\narena-max: 2\nsteps:\n  - hold: 1s\n")
    #expect(arenas.problems(limit: nil, allocator: .glibc).isEmpty)
    #expect(arenas.problems(limit: nil, allocator: .jemalloc).map(\.field) == ["arena-max"])
  }
}
