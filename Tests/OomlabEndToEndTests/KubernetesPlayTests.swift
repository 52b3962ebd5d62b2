import Foundation
import Glibc
import Testing
import Yams

@testable import OomlabKit
import OomlabTestSupport

/// The emitted Jobs played here as a cluster would run them: every index K of every Job runs the exact command
/// line of its pod template, `$(JOB_COMPLETION_INDEX)` expanded to K, in a folder standing in for the pod (the
/// ConfigMap's files under `scenarios/`, an empty `results/`), inside a memory cgroup of the pod's
/// `limits.memory` whose cgroup file system is read-only, as in a pod; `oomlab collect` then merges the pods'
/// logs, and the result is the local `oomlab matrix` of the same inputs, cell by cell.
@Suite(.serialized, .enabled(if: cgroupUnavailable == nil, "\(cgroupUnavailable ?? "")"))
struct KubernetesPlayTests {
  static let files = [
    // Grows past either limit: the kernel kills the worker in its container as in its own cgroup.
    "fill.yaml": "name: fill\nabout: f\nsample: 20ms\nexpect: oom-kill\nsteps:\n  - buffers: { count: 80, size: 4MiB, touch: all, every: 10ms }\n  - hold: 1s\n",
    // Stays well under both.
    "small.yaml": "name: small\nabout: s\nsample: 20ms\nsteps:\n  - buffers: { count: 8, size: 4MiB, touch: all }\n  - hold: 100ms\n",
  ]
  static let axes = ["--memory-limit", "256Mi,192Mi"]

  /// One pod: the command line of its container, its memory limit, and where its log goes.
  struct Pod {
    let job: String
    let index: Int
    let limit: UInt64
    let arguments: [String]
  }

  /// The pods of every Job of `manifest`, the ConfigMap's files beside them.
  static func pods(_ manifest: String) throws -> (scenarios: [String: String], pods: [Pod]) {
    let documents = Array(try Yams.compose_all(yaml: manifest)).compactMap { $0 }
    var scenarios: [String: String] = [:]
    var pods: [Pod] = []
    for document in documents {
      switch document["kind"]?.string {
      case "ConfigMap":
        for (key, value) in document["data"]?.mapping ?? [:] { scenarios[try #require(key.string)] = value.string }
      case "Job":
        let name = try #require(document["metadata"]?["name"]?.string)
        let completions = try #require(document["spec"]?["completions"]?.int)
        let container = try #require(document["spec"]?["template"]?["spec"]?["containers"]?[0])
        let quantity = try #require(container["resources"]?["limits"]?["memory"]?.string)
        let limit = try #require(try? ByteSize.parse(quantity).get())
        let command = (container["command"]?.sequence?.compactMap(\.string) ?? []) + (container["args"]?.sequence?.compactMap(\.string) ?? [])
        try #require(command.first == "oomlab")
        for k in 0..<completions {
          // Kubernetes expands $(VAR) in args from the container's environment, JOB_COMPLETION_INDEX included.
          let expanded = command.dropFirst().map { $0.replacingOccurrences(of: "$(JOB_COMPLETION_INDEX)", with: "\(k)") }
          pods.append(Pod(job: name, index: k, limit: limit, arguments: Array(expanded)))
        }
      default:
        Issue.record("an object of an unexpected kind: \(document)")
      }
    }
    return (scenarios, pods)
  }

  /// Runs `pod` in a fresh folder inside a fresh cgroup limited to its limit, the cgroup file system read-only in
  /// its mount namespace; returns its exit status and stdout, and removes the folder and the cgroup.
  static func play(_ pod: Pod, scenarios: [String: String]) throws -> (status: Int32, log: String, stderr: String) {
    let root = try OomlabProcess.temporaryDirectory()
    defer { try? FileManager.default.removeItem(at: root) }
    for folder in ["scenarios", "results"] {
      try FileManager.default.createDirectory(at: root.appendingPathComponent(folder), withIntermediateDirectories: false)
    }
    for (name, text) in scenarios {
      try text.write(to: root.appendingPathComponent("scenarios/\(name)"), atomically: true, encoding: .utf8)
    }
    let hierarchy = try CgroupLocator().locate()
    let container = try hierarchy.createChild(supervisorPid: getpid())
    defer { try? container.remove() }
    try container.setLimit(pod.limit)
    let mount = hierarchy.mountPoint
    let script = """
      echo $$ > '\(container.directory)/cgroup.procs' || exit 97
      exec unshare --mount --propagation private sh -c '
        mount --bind \(mount) \(mount) && mount -o remount,bind,ro \(mount) || exit 98
        exec "$0" "$@"' "$@"
      """
    let result = try OomlabProcess.invoke(
      ["-c", script, "sh", OomlabProcess.binary] + pod.arguments, directory: root, executable: "/bin/sh")
    return (result.status, result.stdout, result.stderr)
  }

  @Test func theJobsPlayedPodByPodCollectIntoTheLocalMatrix() throws {
    let directory = try MatrixCommandTests.folder(Self.files)
    defer { try? FileManager.default.removeItem(at: directory) }
    let emitted = try OomlabProcess.invoke(
      ["matrix", "small.yaml", "fill.yaml"] + Self.axes + ["--emit", "kubernetes"], directory: directory)
    try #require(emitted.status == 0, "\(emitted.stdout)\(emitted.stderr)")
    let (scenarios, pods) = try Self.pods(emitted.stdout)
    #expect(scenarios == Self.files)
    #expect(pods.count == 4)
    var logs: [String] = []
    for pod in pods {
      let (status, log, stderr) = try Self.play(pod, scenarios: scenarios)
      try #require(status != 97 && status != 98, "could not set up the pod: \(stderr)")
      #expect(status == 0, "\(pod.job) index \(pod.index): \(log)\(stderr)")
      let name = "\(pod.job)-\(pod.index).log"
      try log.write(to: directory.appendingPathComponent(name), atomically: true, encoding: .utf8)
      logs.append(name)
    }
    let collected = try OomlabProcess.invoke(["collect"] + logs + ["--out", "played"], directory: directory)
    #expect(collected.status == 0, "\(collected.stdout)\(collected.stderr)")
    let local = try OomlabProcess.invoke(["matrix", "fill.yaml", "small.yaml"] + Self.axes + ["--out", "local"], directory: directory)
    #expect(local.status == 0, "\(local.stdout)\(local.stderr)")

    let played = try MatrixCommandTests.summary(directory.appendingPathComponent("played"))
    let reference = try MatrixCommandTests.summary(directory.appendingPathComponent("local"))
    #expect(played.column("csv") == reference.column("csv"))
    #expect(played.column("outcome") == reference.column("outcome"))
    #expect(played.column("outcome") == ["oom-kill", "oom-kill", "completed", "completed"])
    for (row, (a, b)) in zip(played.column("csv"), zip(played.numbers("peak_rss_bytes"), reference.numbers("peak_rss_bytes"))) {
      #expect(abs(a - b) <= 0.10 * b, "\(row): peak \(a / 1048576) MiB in the pod, \(b / 1048576) MiB locally")
    }
    // Inside the pod the limit in force was the container's own, as --enforce auto falls back to it.
    for csv in played.column("csv") {
      let report = try MatrixCommandTests.report(directory.appendingPathComponent("played"), csv)
      let enforcement = try #require(report.enforcement, "\(csv): no enforcement")
      guard case .container = enforcement else {
        Issue.record("\(csv): enforced by \(enforcement), not the container's own limit")
        continue
      }
      let local = try MatrixCommandTests.report(directory.appendingPathComponent("local"), csv)
      #expect(report.limitBytes == local.limitBytes, "\(csv)")
    }
  }
}
