import Foundation
import Glibc
import Testing

@testable import OomlabKit
import OomlabTestSupport

/// How a run ties a SIGKILL to the kernel's OOM killer, and names its victim, in the settings where
/// the plain rule (the kernel's line for the worker's pid) cannot hold: a pid namespace, a supervisor
/// that killed workers itself, no /dev/kmsg.
@Suite(.serialized, .enabled(if: cgroupUnavailable == nil, "\(cgroupUnavailable ?? "")"))
struct OomEvidenceRunTests {
  /// Why `unshare` cannot give a run its own pid namespace here, or nil when it can.
  static let pidNamespaceUnavailable: String? = Self.refusal(of: ["-p", "-f", "--mount-proc", "true"])

  /// Why `unshare` cannot give a run a mount namespace where /dev/kmsg is replaced, or nil when it can.
  static let mountNamespaceUnavailable: String? = Self.refusal(
    of: ["-m", "--propagation", "private", "sh", "-c", "mount --bind /dev/null /dev/kmsg"])

  static func refusal(of arguments: [String]) -> String? {
    let process = Process()
    process.executableURL = URL(fileURLWithPath: "/usr/bin/unshare")
    process.arguments = arguments
    process.standardOutput = FileHandle.nullDevice
    process.standardError = FileHandle.nullDevice
    do { try process.run() } catch { return "unshare(1) cannot be run: \(error)" }
    process.waitUntilExit()
    return process.terminationStatus == 0 ? nil : "unshare \(arguments.joined(separator: " ")) is not permitted here"
  }

  /// Runs `yaml` through `prefix` (a command that ends by exec'ing oomlab with the arguments after it), or directly.
  static func run(_ yaml: String, through prefix: [String] = [], arguments: [String] = []) throws -> OomlabProcess.Result {
    let directory = try OomlabProcess.temporaryDirectory()
    let scenario = directory.appendingPathComponent("scenario.yaml")
    try yaml.write(to: scenario, atomically: true, encoding: .utf8)
    let csv = directory.appendingPathComponent("out.csv")
    let summary = directory.appendingPathComponent("summary.json")
    let run = ["run", scenario.path, "--csv", csv.path, "--summary", summary.path] + arguments
    return try OomlabProcess.invoke(
      prefix.isEmpty ? run : Array(prefix.dropFirst()) + [OomlabProcess.binary] + run, directory: directory, csv: csv,
      summary: summary, executable: prefix.first)
  }

  /// `app` is OOM-killed early; `agent` holds until the timeout, when the supervisor kills it.
  static let killThenTimeout = """
    name: kill-then-timeout
    limit: 64MiB
    sample: 20ms
    processes:
      - name: agent
        steps:
          - hold: 60s
      - name: app
        oom-score-adj: 998
        steps:
          - buffers: { count: 40, size: 4MiB, touch: all, every: 20ms }
          - hold: 60s
    """

  /// In a pid namespace the kernel's `Killed process` pid is not the worker's: the kill is tied by its cgroup.
  @Test(.enabled(if: pidNamespaceUnavailable == nil, "\(pidNamespaceUnavailable ?? "")"))
  func anOomKillInAPidNamespaceIsAnOomKill() throws {
    let result = try Self.run(
      """
      name: namespaced
      limit: 48MiB
      sample: 20ms
      expect: oom-kill
      steps:
        - buffers: { count: 40, size: 4MiB, touch: all, every: 20ms }
      """, through: ["/usr/bin/unshare", "-p", "-f", "--mount-proc"])
    defer { result.cleanUp() }
    let report = try #require(result.report, "\(result.stdout)\(result.stderr)")
    #expect(result.status == 0, "\(report.text)")
    #expect(report.outcome == .oomKill)
    let process = try #require(report.processes.first)
    #expect(process.outcome == .oomKill)
    // The worker is pid 2 or so here, and the kernel's line gives its pid outside: the kill is tied by the
    // `oom-kill:` line's task_memcg, or, where the kernel's rate limit (10 reports in 5 s) dropped that
    // line, by the cgroup's counter; the note says which.
    if let line = process.kernelReport { #expect(line.contains("Killed process "), "\(line)") }
    if KernelLog() != nil { #expect(report.notes.contains { $0.contains("pid namespace") }, "\(report.notes)") }
    if case .cgroup(let directory)? = report.enforcement { #expect(!FileManager.default.fileExists(atPath: directory)) }
  }

  /// A worker the supervisor killed at the timeout is no OOM evidence: without /dev/kmsg, one kill by
  /// the kernel and one by the supervisor still match the cgroup's one oom_kill.
  @Test(.enabled(if: mountNamespaceUnavailable == nil, "\(mountNamespaceUnavailable ?? "")"))
  func aTimeoutKillDoesNotHideAnOomKillWithoutTheKernelLog() throws {
    // A FIFO over /dev/kmsg, in a mount namespace of the run's own: opened, it cannot be seeked, so
    // the run has no kernel log, as in a container without /dev/kmsg.
    let script = "d=$(mktemp -d) && mkfifo \"$d/kmsg\" && mount --bind \"$d/kmsg\" /dev/kmsg && rm -r \"$d\" && exec \"$@\""
    let result = try Self.run(
      Self.killThenTimeout, through: ["/usr/bin/unshare", "-m", "--propagation", "private", "sh", "-c", script, "sh"],
      arguments: ["--timeout", "4s"])
    defer { result.cleanUp() }
    let report = try #require(result.report, "\(result.stdout)\(result.stderr)")
    #expect(report.outcome == .timedOut, "\(report.text)")
    let app = try #require(report.processes.first { $0.name == "app" })
    let agent = try #require(report.processes.first { $0.name == "agent" })
    #expect(app.outcome == .oomKill, "\(report.text)")
    #expect(app.kernelReport == nil, "no kernel log was readable, yet: \(app.kernelReport ?? "")")
    #expect(agent.outcome == .timedOut)
    #expect(report.victim == "app")
  }

  /// The victim is the worker the kernel killed, not the one the supervisor stopped at the timeout.
  @Test func theVictimIsTheOomKilledWorkerNotTheOneStoppedAtTheTimeout() throws {
    let result = try Self.run(Self.killThenTimeout, arguments: ["--timeout", "4s"])
    defer { result.cleanUp() }
    let report = try #require(result.report, "\(result.stdout)\(result.stderr)")
    #expect(report.outcome == .timedOut, "\(report.text)")
    #expect(report.processes.first { $0.name == "app" }?.outcome == .oomKill, "\(report.text)")
    #expect(report.processes.first { $0.name == "agent" }?.outcome == .timedOut)
    #expect(report.victim == "app", "\(report.text)")
  }
}
