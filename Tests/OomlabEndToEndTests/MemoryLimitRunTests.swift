import Foundation
import Glibc
import Testing

@testable import OomlabKit
import OomlabTestSupport

/// Runs under real memory cgroup limits; they need root and skip with the reason elsewhere.
@Suite(.serialized, .enabled(if: cgroupUnavailable == nil, "\(cgroupUnavailable ?? "")"))
struct MemoryLimitRunTests {
  static func leftoverCgroups() -> [String] {
    guard let hierarchy = try? CgroupLocator().locate() else { return [] }
    return ((try? FileManager.default.contentsOfDirectory(atPath: hierarchy.ownDirectory)) ?? [])
      .filter { $0.hasPrefix("oomlab-") }
  }

  /// The cgroups left by one supervisor: other tests' runs may come and go meanwhile.
  static func leftoverCgroups(ofSupervisor pid: Int32) -> [String] {
    leftoverCgroups().filter { CgroupName.parse($0)?.supervisorPid == pid }
  }

  @Test func touchedBuffersOverTheLimitAreOOMKilled() throws {
    let result = try OomlabProcess.run(try shippedScenario("container-oom-kill"))
    defer { result.cleanUp() }
    #expect(result.status == 0, "\(result.stdout)\(result.stderr)")
    #expect(result.outcome == .oomKill)
    let csv = try #require(result.csv)
    let usage = try #require(csv.last("cgroup_usage_bytes"))
    #expect(usage >= 0.9 * 128 * MiB, "last usage before the kill: \(usage / MiB) MiB")
    #expect(csv.last("cgroup_limit_bytes") == 128 * MiB)
    // Every kill comes out of an OOM event: v2 counts both in memory.events; v1 has no event count.
    if try CgroupLocator().locate().version == .v2 {
      let events = try #require(csv.last("oom_events"))
      let kills = try #require(csv.last("oom_kill_events"))
      #expect(events >= kills)
    } else {
      let events = csv.column("oom_events")
      #expect(events.allSatisfy { $0.isEmpty })
    }
    let process = try #require(result.firstProcess)
    let kernel = try #require(process.kernelReport)
    #expect(kernel.contains("Killed process \(process.pid) "), "\(kernel)")
    // The summary speaks the CSV's names, numbers as numbers: its last sample is the CSV's last row.
    let last = try #require(process.lastSample)
    #expect(last["rss_bytes"] == csv.last("rss_bytes").map { .unsigned(UInt64($0)) })
    #expect(last["step"] == csv.column("step").last.map(CSVValue.text))
    #expect(Self.leftoverCgroups(ofSupervisor: result.pid).isEmpty)
  }

  /// The worker joins its cgroup before it execs, so its anonymous memory is charged there from the first page.
  @Test func everyAnonymousPageOfTheWorkerIsChargedToItsCgroup() throws {
    let result = try OomlabProcess.run(
      """
      name: charged
      limit: 512MiB
      sample: 20ms
      expect: oom-kill
      steps:
        - buffers: { count: 80, size: 8MiB, touch: all, every: 40ms }
      """)
    defer { result.cleanUp() }
    #expect(result.status == 0, "\(result.stdout)\(result.stderr)")
    let csv = try #require(result.csv)
    let anon = csv.numbers("rss_anon_bytes")
    let charged = csv.numbers("cgroup_anon_bytes")
    try #require(anon.count == charged.count && anon.count > 3)
    #expect(try #require(anon.last) <= 512 * MiB, "RSS anon past the limit: start-up pages charged elsewhere")
    // The start row is taken while the worker waits for its first step, nothing moving: there the
    // charge must hold every anonymous page of its start-up (joining after exec missed ~2 MiB).
    #expect(abs(charged[0] - anon[0]) <= 256 * 1024, "start: cgroup anon \(charged[0]), RSS anon \(anon[0])")
    for (row, (rss, cgroup)) in zip(anon, charged).enumerated() {
      // While buffers are written at 200 MiB/s: 2% and at least 4 MiB, or what RSS moved in the tick
      // before or after, whichever is more. The two files are read a moment apart (milliseconds when
      // the machine or an emulated guest is loaded), and cgroup v2 flushes memory.stat's per-CPU
      // counters lazily, so its anon can trail the page counter by a few batches of pages.
      let moved = max(row > 0 ? abs(rss - anon[row - 1]) : 0, row + 1 < anon.count ? abs(anon[row + 1] - rss) : 0)
      #expect(abs(cgroup - rss) <= max(0.02 * rss, 4 * MiB, moved), "row \(row): cgroup anon \(cgroup), RSS anon \(rss)")
    }
  }

  /// The summary says when swap could not be capped beside the limit, judged by the kernel's own files.
  @Test func theSummarySaysWhetherSwapWasCapped() throws {
    let result = try OomlabProcess.run("name: swap\nsteps:\n  - hold: 10ms\n", arguments: ["--memory-limit", "64MiB"])
    defer { result.cleanUp() }
    #expect(result.status == 0, "\(result.stderr)")
    // A cgroup like the run's own, made by the test: the v2 root, for one, has no swap file at all.
    let hierarchy = try CgroupLocator().locate()
    let probe = try hierarchy.createChild(supervisorPid: getpid())
    defer { try? probe.remove() }
    let swapFile = probe.directory + (hierarchy.version == .v1 ? "/memory.memsw.limit_in_bytes" : "/memory.swap.max")
    let notes = result.report?.notes ?? []
    #expect(notes.contains { $0.contains("swap was not capped") } == !FileIO.exists(swapFile), "\(notes)")
  }

  @Test func untouchedBuffersOverTheLimitComplete() throws {
    // The shipped scenario maps 4 GiB untouched. Heuristic overcommit refuses one mapping larger than
    // RAM plus swap, so on a smaller machine (the 4 GiB VM lane) the mapping is half of those instead.
    let (ram, swap) = try machineRAMAndSwap()
    let mappedMiB = min(4096, (ram + swap) / 2 / (1 << 20))
    let shipped = try shippedScenario("overcommit-under-limit")
    try #require(shipped.contains("pages: { size: 4GiB }"))
    let result = try OomlabProcess.run(
      shipped.replacingOccurrences(of: "pages: { size: 4GiB }", with: "pages: { size: \(mappedMiB)MiB }"))
    defer { result.cleanUp() }
    #expect(result.status == 0, "\(result.stdout)\(result.stderr)")
    let csv = try #require(result.csv)
    #expect(csv.max("buffers_live_bytes") == 256 * MiB)
    #expect(try #require(csv.max("cgroup_usage_bytes")) < 128 * MiB)
    #expect(try #require(csv.max("vms_bytes")) > Double(mappedMiB) * MiB)
  }

  @Test func oomScoreCgroupMatchesAHandComputation() throws {
    let result = try OomlabProcess.run(
      """
      name: score
      limit: 256MiB
      sample: 20ms
      steps:
        - oom-score-adj: 100
        - buffers: { count: 16, size: 8MiB, touch: all }
        - hold: 100ms
      """)
    defer { result.cleanUp() }
    #expect(result.status == 0, "\(result.stderr)")
    let csv = try #require(result.csv)
    let page = Double(sysconf(Int32(_SC_PAGESIZE)))
    let limitPages = (256 * MiB / page).rounded(.down)
    var checked = 0
    for row in csv.rows.indices {
      guard let score = Double(csv.column("oom_score_cgroup")[row]) else { continue }
      let pages = ["rss_bytes", "swap_bytes", "pte_bytes"].map { (Double(csv.column($0)[row]) ?? 0) / page }
        .map { $0.rounded(.down) }.reduce(0, +)
      let adj = Double(csv.column("oom_score_adj")[row]) ?? 0
      let expected = (pages * 1000 / limitPages).rounded(.down) + adj
      #expect(abs(score - expected) <= 2, "row \(row): \(score) vs \(expected)")
      checked += 1
    }
    #expect(checked >= 5)
  }

  func victim(_ scenario: String, killed: String, survivor: String) throws {
    let result = try OomlabProcess.run(try shippedScenario(scenario))
    defer { result.cleanUp() }
    #expect(result.status == 0, "\(result.stdout)\(result.stderr)")
    let processes = try #require(result.report?.processes)
    let byName = Dictionary(uniqueKeysWithValues: processes.map { ($0.name, $0) })
    let victim = try #require(byName[killed])
    let other = try #require(byName[survivor])
    #expect(victim.outcome == .oomKill)
    #expect(victim.kernelReport?.contains("Killed process \(victim.pid) ") == true)
    // The kernel picks the victim first. Under cgroup v1 it may pick the survivor too when the
    // first victim's charge is not yet released; then it must have been strictly the second kill.
    if other.outcome != .completed {
      let first = try #require(victim.kernelReport)
      let second = try #require(other.kernelReport)
      #expect(first != second)
    }
    let csv = try #require(result.csv)
    #expect(Set(csv.column("process")) == ["agent", "app"])
  }

  @Test func theUnprotectedLargerAppIsKilled() throws {
    try victim("victim-app-volunteered", killed: "app", survivor: "agent")
  }

  @Test func theVolunteeringSmallAgentIsKilled() throws {
    try victim("victim-agent-volunteered", killed: "agent", survivor: "app")
  }

  @Test(.enabled(if: canLowerOomScoreAdj, "no CAP_SYS_RESOURCE: oom_score_adj cannot be lowered to -998 here"))
  func anAgentAtMinus998Survives() throws {
    try victim("victim-agent-protected", killed: "app", survivor: "agent")
    try victim("victim-app-protected", killed: "agent", survivor: "app")
  }

  @Test func noCgroupIsLeftAfterSIGINTOrAKilledSupervisor() throws {
    let directory = try OomlabProcess.temporaryDirectory()
    defer { try? FileManager.default.removeItem(at: directory) }
    let scenario = directory.appendingPathComponent("hold.yaml")
    try "name: hold\nlimit: 64MiB\nsample: 20ms\nsteps:\n  - hold: 20s\n".write(to: scenario, atomically: true, encoding: .utf8)
    let interrupted = try OomlabProcess.invoke(["run", scenario.path, "--csv", "a.csv"], directory: directory) {
      _ = CSVTable.waitForRow(in: directory.appendingPathComponent("a.csv"), step: "hold")
      kill($0.processIdentifier, SIGINT)
    }
    #expect(interrupted.status == 130)
    #expect(Self.leftoverCgroups(ofSupervisor: interrupted.pid).isEmpty)
    var workerOfKilled: Int32 = 0
    let killed = try OomlabProcess.invoke(["run", scenario.path, "--csv", "b.csv"], directory: directory) { supervisor in
      workerOfKilled = CSVTable.waitForRow(in: directory.appendingPathComponent("b.csv"), step: "hold") ?? 0
      kill(supervisor.processIdentifier, SIGKILL)
    }
    #expect(Self.leftoverCgroups(ofSupervisor: killed.pid).count == 1, "a SIGKILLed supervisor cannot clean up itself")
    // The worker dies with its supervisor (PR_SET_PDEATHSIG), and the next run removes the stale cgroup.
    Poll.until(within: 10, every: 0.01) { !isLiving(workerOfKilled) }
    #expect(
      workerOfKilled > 0 && !isLiving(workerOfKilled),
      "worker state \(procStatHead(workerOfKilled).map { String(UnicodeScalar($0.state)) } ?? "gone")")
    try "name: quick\nlimit: 64MiB\nsteps:\n  - hold: 10ms\n".write(to: scenario, atomically: true, encoding: .utf8)
    let next = try OomlabProcess.invoke(["run", scenario.path, "--csv", "c.csv"], directory: directory)
    #expect(next.status == 0, "\(next.stderr)")
    #expect(Self.leftoverCgroups(ofSupervisor: killed.pid).isEmpty)
  }
}

extension MemoryLimitRunTests {
  @Test func twoRunsAtOnceUseTheirOwnCgroups() throws {
    let scenario = "name: pair\nlimit: 96MiB\nsample: 20ms\nsteps:\n  - buffers: { count: 8, size: 8MiB }\n  - hold: 1s\n"
    final class Results: @unchecked Sendable {
      let lock = NSLock()
      var values: [Int: OomlabProcess.Result] = [:]
    }
    let results = Results()
    DispatchQueue.concurrentPerform(iterations: 2) { i in
      let result = try? OomlabProcess.run(scenario)
      results.lock.lock()
      results.values[i] = result
      results.lock.unlock()
    }
    let a = try #require(results.values[0])
    let b = try #require(results.values[1])
    defer {
      a.cleanUp()
      b.cleanUp()
    }
    #expect(a.status == 0 && b.status == 0, "\(a.stderr)\(b.stderr)")
    let limits = [a, b].compactMap { $0.report?.enforcement }
    #expect(limits.count == 2 && limits[0] != limits[1], "\(limits)")
    // Each cgroup charged only its own worker: 64 MiB of buffers plus start-up, not both.
    for result in [a, b] { #expect(try #require(result.csv?.max("cgroup_usage_bytes")) < 90 * MiB) }
  }
}
