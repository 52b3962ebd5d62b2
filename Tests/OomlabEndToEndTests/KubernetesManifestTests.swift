import Foundation
import Testing
import Yams

@testable import OomlabKit
import OomlabTestSupport

/// A python3 with the `kubernetes_validate` package (the Kubernetes API's OpenAPI schemas, offline); nil when none.
let kubernetesValidatePython: String? = Plotter().candidates().first { python in
  let process = Process()
  process.executableURL = URL(fileURLWithPath: python)
  process.arguments = ["-c", "import kubernetes_validate"]
  process.standardOutput = FileHandle.nullDevice
  process.standardError = FileHandle.nullDevice
  guard (try? process.run()) != nil else { return false }
  process.waitUntilExit()
  return process.terminationStatus == 0
}

let kubernetesValidateUnavailable: String? =
  kubernetesValidatePython == nil
  ? "no python3 here has the kubernetes-validate package (python3 -m pip install kubernetes-validate, or scripts/test.sh)" : nil

/// `matrix --emit kubernetes` prints a ConfigMap of the scenarios and one Indexed Job per memory limit, whose pods
/// each run one cell with the cell's limit as the pod's.
@Suite struct KubernetesManifestTests {
  static let files = [
    "fill.yaml": "name: fill\nabout: f\nsample: 20ms\nexpect: oom-kill\nsteps:\n  - buffers: { count: 64, size: 4MiB, touch: all }\n",
    "small.yaml": "name: small\nabout: s\nsample: 20ms\nsteps:\n  - buffers: { count: 2, size: 1MiB }\n",
  ]

  /// The documents `oomlab matrix arguments --emit kubernetes` prints, which must succeed.
  static func emit(_ arguments: [String], in directory: URL) throws -> (text: String, documents: [Node]) {
    let result = try OomlabProcess.invoke(["matrix"] + arguments + ["--emit", "kubernetes"], directory: directory)
    try #require(result.status == 0, "\(result.stdout)\(result.stderr)")
    return (result.stdout, Array(try Yams.compose_all(yaml: result.stdout)).compactMap { $0 })
  }

  @Test func eachLimitIsAJobOfItsCellsWithTheLimitAsThePods() throws {
    let directory = try MatrixCommandTests.folder(Self.files)
    defer { try? FileManager.default.removeItem(at: directory) }
    let arguments = ["small.yaml", "fill.yaml", "--memory-limit", "128Mi,64Mi,none", "--arena-max", "none,2"]
    let (_, documents) = try Self.emit(arguments + ["--image", "registry.example/oomlab:0.1.0", "--parallelism", "3"], in: directory)
    try #require(documents.count == 4)
    let configMap = documents[0]
    #expect(configMap["kind"]?.string == "ConfigMap")
    #expect(configMap["data"]?["fill.yaml"]?.string == Self.files["fill.yaml"])
    #expect(configMap["data"]?["small.yaml"]?.string == Self.files["small.yaml"])
    let jobs = documents.dropFirst()
    let id = try #require(configMap["metadata"]?["labels"]?["oomlab/matrix"]?.string)
    #expect(id.count == 8 && id.allSatisfy(\.isHexDigit))
    #expect(configMap["metadata"]?["name"]?.string == "oomlab-\(id)-scenarios")
    #expect(jobs.map { $0["metadata"]?["name"]?.string } == ["64mi", "128mi", "nolimit"].map { "oomlab-\(id)-cells-\($0)" })
    for job in jobs {
      #expect(job["metadata"]?["labels"]?["oomlab/matrix"]?.string == id)
      #expect(job["spec"]?["template"]?["metadata"]?["labels"]?["oomlab/matrix"]?.string == id)
      #expect(job["spec"]?["template"]?["spec"]?["volumes"]?[0]?["configMap"]?["name"]?.string == "oomlab-\(id)-scenarios")
    }
    // The same matrix emitted again has the same names; another matrix (one more value) has others.
    let again = try Self.emit(arguments + ["--image", "registry.example/oomlab:0.1.0", "--parallelism", "3"], in: directory)
    #expect(again.documents[0]["metadata"]?["labels"]?["oomlab/matrix"]?.string == id)
    let other = try Self.emit(arguments + ["--arena-max", "4"], in: directory).documents
    #expect(other[0]["metadata"]?["labels"]?["oomlab/matrix"]?.string != id)
    let listed = try MatrixCellCommandTests.list(arguments, in: directory)
    var covered: [Int] = []
    for (job, limit) in zip(jobs, ["64Mi", "128Mi", nil]) {
      let spec = try #require(job["spec"])
      #expect(spec["completionMode"]?.string == "Indexed")
      let cells = try #require(job["metadata"]?["annotations"]?["oomlab/cells"]?.string).split(separator: ",").compactMap { Int($0) }
      #expect(spec["completions"]?.int == cells.count && cells.count == 4)
      #expect(spec["parallelism"]?.int == 3)
      covered += cells
      let pod = try #require(spec["template"]?["spec"])
      #expect(pod["restartPolicy"]?.string == "Never")
      let container = try #require(pod["containers"]?[0])
      #expect(container["image"]?.string == "registry.example/oomlab:0.1.0")
      #expect(container["resources"]?["limits"]?["memory"]?.string == limit)
      #expect(container["resources"]?["requests"]?["memory"]?.string == limit)
      let args = container["args"]?.sequence?.compactMap(\.string) ?? []
      #expect(Array(args.prefix(3)) == ["matrix", "scenarios/small.yaml", "scenarios/fill.yaml"])
      #expect(args.contains("--cell") && args.contains("$(JOB_COMPLETION_INDEX)") && args.contains("--framed"))
      #expect(args[try #require(args.firstIndex(of: "--enforce")) + 1] == "auto")
      #expect(args[try #require(args.firstIndex(of: "--cell-limit")) + 1] == (limit.map { $0 + "B" } ?? "none"))
      // Every cell of the Job has the Job's limit in the matrix's own numbering.
      for cell in cells { #expect(listed[cell].contains("limit \(limit.map { $0 + "B" } ?? "none")"), "\(listed[cell])") }
      let rules = spec["podFailurePolicy"]?["rules"]?.sequence.map(Array.init) ?? []
      let actions = rules.map { ($0["action"]?.string ?? "", $0["onExitCodes"]?["values"]?.sequence?.compactMap(\.int) ?? []) }
      #expect(actions.contains { $0 == ("FailIndex", [1, 137]) } && actions.contains { $0 == ("FailJob", [2]) })
      // The first rule that matches applies: a disruption, which can end in SIGKILL (137), is ignored first.
      #expect(rules.first?["action"]?.string == "Ignore", "\(actions)")
      #expect(rules.first?["onPodConditions"]?[0]?["type"]?.string == "DisruptionTarget")
      #expect(spec["backoffLimitPerIndex"]?.int == 1)
    }
    #expect(covered.sorted() == Array(0..<12))
  }

  /// The ConfigMap holds the text that was validated, read once: a pipe (`<(cat f.yaml)`) is not read again.
  @Test func aScenarioFromAPipeIsInTheConfigMapWhole() throws {
    let directory = try MatrixCommandTests.folder(Self.files)
    defer { try? FileManager.default.removeItem(at: directory) }
    let result = try OomlabProcess.invoke(
      ["-c", "\"$0\" matrix <(cat small.yaml) --emit kubernetes", OomlabProcess.binary], directory: directory,
      executable: "/bin/bash")
    try #require(result.status == 0, "\(result.stdout)\(result.stderr)")
    let documents = Array(try Yams.compose_all(yaml: result.stdout)).compactMap { $0 }
    let data = try #require(documents.first?["data"]?.mapping)
    #expect(data.count == 1)
    #expect(data.values.first?.string == Self.files["small.yaml"], "\(result.stdout)")
  }

  @Test func aVolumeTakesEachPodsFilesInAFolderOfItsOwn() throws {
    let directory = try MatrixCommandTests.folder(Self.files)
    defer { try? FileManager.default.removeItem(at: directory) }
    let (text, documents) = try Self.emit(
      ["small.yaml", "--memory-limit", "64Mi", "--volume", "oomlab-results", "--namespace", "lab"], in: directory)
    let job = try #require(documents.last)
    #expect(job["metadata"]?["namespace"]?.string == "lab")
    let pod = try #require(job["spec"]?["template"]?["spec"])
    #expect(pod["volumes"]?[1]?["persistentVolumeClaim"]?["claimName"]?.string == "oomlab-results")
    let args = pod["containers"]?[0]?["args"]?.sequence?.compactMap(\.string) ?? []
    let name = try #require(job["metadata"]?["name"]?.string)
    #expect(name.hasPrefix("oomlab-") && name.hasSuffix("-cells-64mi"))
    #expect(args.suffix(2) == ["--out", "results/\(name)/$(JOB_COMPLETION_INDEX)"])
    #expect(!args.contains("--framed"))
    // Values that would read as numbers are quoted: annotations must be strings.
    #expect(text.contains("oomlab/matrix-cells: \"1\""), "\(text)")
  }

  @Test(arguments: [
    (["--emit", "kubernetes", "--out", "o"], "--out is for running cells"),
    (["--emit", "helm"], "--emit"),
    (["--emit", "kubernetes", "--namespace", "Lab_1"], "--namespace expects a Kubernetes name"),
    (["--emit", "kubernetes", "--volume", "X_y"], "--volume expects a Kubernetes name"),
    (["--emit", "kubernetes", "--parallelism", "0"], "--parallelism expects 1 or more, got 0"),
    (["--volume", "pvc", "--out", "o"], "--volume goes with --emit"),
  ])
  func badEmitUsageIsRefused(arguments: [String], message: String) throws {
    let directory = try MatrixCommandTests.folder(Self.files)
    defer { try? FileManager.default.removeItem(at: directory) }
    let result = try OomlabProcess.invoke(["matrix", "small.yaml"] + arguments, directory: directory)
    #expect(result.status == ExitStatus.badInput.rawValue, "\(result.stdout)\(result.stderr)")
    #expect(result.stderr.contains(message), "\(result.stderr)")
    #expect(result.stdout.isEmpty)
  }

  @Test func quantitiesAreKubernetesSpellings() {
    #expect(KubernetesManifest.quantity(64 << 20) == "64Mi")
    #expect(KubernetesManifest.quantity(1 << 30) == "1Gi")
    #expect(KubernetesManifest.quantity(1536 << 20) == "1536Mi")
    #expect(KubernetesManifest.quantity(1000) == "1000")
  }

  /// The manifests validate against the Kubernetes API's OpenAPI schemas, strictly (no unknown field), for the
  /// first release with `backoffLimitPerIndex` generally available and for the newest the validator knows.
  @Test(.enabled(if: kubernetesValidateUnavailable == nil, "\(kubernetesValidateUnavailable ?? "")"))
  func theManifestsValidateAgainstTheKubernetesSchemas() throws {
    let directory = try MatrixCommandTests.folder(Self.files)
    defer { try? FileManager.default.removeItem(at: directory) }
    let axes = ["small.yaml", "fill.yaml", "--memory-limit", "64Mi,1536Mi,none", "--arena-max", "none,2"]
    let framed = try Self.emit(axes, in: directory).text
    let volume = try Self.emit(axes + ["--volume", "results", "--namespace", "lab", "--parallelism", "2"], in: directory).text
    // A broken copy must fail, or the validator proves nothing.
    let broken = framed.replacingOccurrences(of: "completionMode: Indexed", with: "completionMode: Indexed\n  completionz: 3")
    var paths: [String: String] = [:]
    for (name, text) in ["framed.yaml": framed, "volume.yaml": volume, "broken.yaml": broken] {
      let url = directory.appendingPathComponent(name)
      try text.write(to: url, atomically: true, encoding: .utf8)
      paths[name] = url.path
    }
    for version in ["1.33.0", nil] as [String?] {
      for name in ["framed.yaml", "volume.yaml", "broken.yaml"] {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: try #require(kubernetesValidatePython))
        process.arguments = ["-m", "kubernetes_validate", "--strict", "--no-warn"] + (version.map { ["-k", $0] } ?? []) + [paths[name]!]
        let output = Pipe()
        process.standardOutput = output
        process.standardError = output
        try process.run()
        let text = String(decoding: output.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        process.waitUntilExit()
        if name == "broken.yaml" {
          #expect(process.terminationStatus != 0 && text.contains("completionz"), "\(text)")
        } else {
          #expect(process.terminationStatus == 0, "\(name) against \(version ?? "the newest"): \(text)")
          #expect(text.components(separatedBy: " passed ").count - 1 == 4, "\(text)")
        }
      }
    }
  }
}
