import Foundation
import Testing

@testable import OomlabKit

/// The text summary as a run prints it, and the typed fields of the JSON summary.
struct RunReportTests {
  static let heapAndThreads = """
    name: summary-words
    sample: 50ms
    steps:
      - objects: { count: 10, size: 1KiB }
      - gc
      - threads: { count: 2, stack: 8MiB }
    """

  /// The summary's lines that start with `prefix`.
  static func lines(_ text: String, _ prefix: String) -> [Substring] {
    text.split(separator: "\n").filter { $0.hasPrefix(prefix) }
  }

  @Test func theSummaryGoesToStandardErrorWhereverTheCSVGoes() throws {
    let toFile = try OomlabProcess.run("name: quiet\nsteps:\n  - hold: 10ms\n")
    defer { toFile.cleanUp() }
    #expect(toFile.status == 0, "\(toFile.stderr)")
    #expect(toFile.stdout.isEmpty, "standard output got: \(toFile.stdout)")
    #expect(toFile.stderr.contains("outcome   completed"), "\(toFile.stderr)")
    #expect(toFile.stderr.contains("-> \(toFile.directory.appendingPathComponent("out.csv").path)"), "\(toFile.stderr)")

    let directory = try OomlabProcess.temporaryDirectory()
    defer { try? FileManager.default.removeItem(at: directory) }
    let scenario = directory.appendingPathComponent("quiet.yaml")
    try "name: quiet\nsteps:\n  - hold: 10ms\n".write(to: scenario, atomically: true, encoding: .utf8)
    let toStdout = try OomlabProcess.invoke(["run", scenario.path, "--csv", "-"], directory: directory)
    #expect(toStdout.status == 0, "\(toStdout.stderr)")
    #expect(toStdout.stdout.hasPrefix(CSVSchema.header + "\n"))
    #expect(!toStdout.stdout.contains("outcome"))
    // `-` is not a file name a reader can look for.
    #expect(toStdout.stderr.contains("-> standard output\n"), "\(toStdout.stderr)")
    #expect(!toStdout.stderr.contains("-> -"))
  }

  /// One `limit` line gives the limit and how it is held; the allocator line no longer repeats it.
  @Test func oneLineSaysTheLimitAndHowItIsEnforced() throws {
    let result = try OomlabProcess.run(
      Self.heapAndThreads, arguments: ["--memory-limit", "256MiB", "--enforce", "simulated"])
    defer { result.cleanUp() }
    #expect(result.status == 0, "\(result.stderr)")
    let limits = Self.lines(result.stderr, "limit")
    #expect(limits.count == 1, "\(result.stderr)")
    #expect(limits.first?.hasPrefix("limit     256.0 MiB, SIMULATED: the supervisor kills") == true, "\(limits)")
    #expect(Self.lines(result.stderr, "allocator") == ["allocator glibc"], "\(result.stderr)")
    #expect(!result.stderr.contains("; limit"), "\(result.stderr)")
  }

  @Test func withoutALimitTheLineSaysNone() throws {
    let result = try OomlabProcess.run("name: free\nsteps:\n  - hold: 10ms\n")
    defer { result.cleanUp() }
    #expect(Self.lines(result.stderr, "limit") == ["limit     none"], "\(result.stderr)")
  }

  /// The heap's limit is shown where a heap was used, and not for a scenario that has none.
  @Test func theHeapLimitIsShownOnlyWhereAHeapWasUsed() throws {
    let plain = try OomlabProcess.run("name: plain\nsteps:\n  - native: { count: 1, size: 1MiB }\n")
    defer { plain.cleanUp() }
    #expect(plain.status == 0, "\(plain.stderr)")
    #expect(!plain.stderr.contains("heap limit"), "\(plain.stderr)")
    let heap = try OomlabProcess.run(Self.heapAndThreads)
    defer { heap.cleanUp() }
    #expect(heap.stderr.contains("; heap limit 4.0 GiB"), "\(heap.stderr)")
  }

  @Test func oneCollectionIsSingularAndReservedStacksSaySo() throws {
    let result = try OomlabProcess.run(Self.heapAndThreads)
    defer { result.cleanUp() }
    #expect(result.status == 0, "\(result.stderr)")
    #expect(result.stderr.contains("; 1 collection  [heap]"), "\(result.stderr)")
    #expect(result.stderr.contains("stacks 16.0 MiB reserved  [worker]"), "\(result.stderr)")
  }

  /// The one test that reads the JSON as text and values on purpose: its spelling is the contract with other
  /// readers (snake_case keys as in the CSV, outcomes as the summary prints them, numbers as numbers); every
  /// other test reads the summary through `RunReport`.
  @Test func theJSONKeepsItsTextAndDecodesToTypes() throws {
    let result = try OomlabProcess.run(
      "name: capped\nexpect: oom-kill\nsteps:\n  - pages: { size: 64MiB, touch: all }\n  - hold: 10s\n",
      arguments: ["--memory-limit", "48MiB", "--enforce", "simulated", "--interval", "10ms"])
    defer { result.cleanUp() }
    #expect(result.status == 0, "\(result.stderr)")
    let data = try #require(result.summaryJSON)
    let json = try #require(try JSONSerialization.jsonObject(with: data) as? [String: Any])
    #expect(json["outcome"] as? String == "oom-kill (simulated)")
    #expect(json["expected"] as? String == "oom-kill")
    #expect((json["enforcement"] as? String)?.hasPrefix("SIMULATED") == true)
    #expect((json["limit_bytes"] as? NSNumber)?.int64Value == 48 << 20)
    let process = try #require((json["processes"] as? [[String: Any]])?.first)
    #expect(process["trim_unsupported"] is NSNumber && process["peaks"] is [String: Any], "\(process.keys.sorted())")
    let last = try #require(process["last_sample"] as? [String: Any])
    #expect(last["rss_bytes"] is NSNumber && last["t_seconds"] is NSNumber, "\(last)")
    #expect(last["process"] is String, "\(last)")
    let report = try RunReport.decode(data)
    #expect(report.outcome == .simulatedOomKill)
    #expect(report.expected == .oomKill)
    #expect(report.enforcement == .simulated)
    #expect(report.processes.first?.outcome == .simulatedOomKill)
  }

  @Test func outcomesAndEnforcementsReadBackFromTheirText() {
    let outcomes: [Outcome] = Outcome.unsignalled + [.signalled(9), .signalled(11), .signalled(40)]
    for outcome in outcomes { #expect(Outcome(description: outcome.description) == outcome, "\(outcome)") }
    #expect(Outcome(description: "signalled (signal 40)") == .signalled(40))
    #expect(Outcome(description: "exploded") == nil)
    let enforcements: [Enforcement] = [.cgroup("/sys/fs/cgroup/oomlab-1-0"), .container("/sys/fs/cgroup (v2)"), .simulated]
    for enforcement in enforcements {
      #expect(Enforcement(description: enforcement.description) == enforcement, "\(enforcement)")
    }
    #expect(Enforcement(description: "by hand") == nil)
  }

  @Test func anUnknownOutcomeIsADecodingErrorThatQuotesIt() throws {
    let error = try #require(throws: DecodingError.self) {
      try JSONDecoder().decode([Outcome].self, from: Data("[\"exploded\"]".utf8))
    }
    guard case .dataCorrupted(let context) = error else {
      Issue.record("\(error)")
      return
    }
    #expect(context.debugDescription == "unknown outcome \"exploded\"")
  }
}
