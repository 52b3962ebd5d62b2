import Foundation
import Glibc
import OomlabKit

/// Runs the built `oomlab` binary on a scenario in a temporary folder and reads back what it wrote.
struct OomlabProcess {
  /// The result of one `oomlab` invocation.
  struct Result {
    /// The supervisor's pid.
    let pid: Int32
    let status: Int32
    let stdout: String
    let stderr: String
    let csv: CSVTable?
    /// The JSON summary as written, for the tests of its spelling; nil when the run wrote none.
    let summaryJSON: Data?
    /// The JSON summary decoded; nil when the run wrote none or it does not decode (`summaryJSON` tells which).
    let report: RunReport?
    let directory: URL
  }

  /// The binary under test: `OOMLAB_BIN`, else the `oomlab` built beside the test bundle.
  static var binary: String {
    if let path = ProcessInfo.processInfo.environment["OOMLAB_BIN"], !path.isEmpty { return path }
    var buffer = [CChar](repeating: 0, count: 4096)
    let n = readlink("/proc/self/exe", &buffer, buffer.count - 1)
    let exe = String(decoding: buffer[0..<max(n, 0)].map { UInt8(bitPattern: $0) }, as: UTF8.self)
    var url = URL(fileURLWithPath: exe).deletingLastPathComponent()
    // The test bundle may be a directory (macOS style) or a single executable beside the products.
    while !FileManager.default.isExecutableFile(atPath: url.appendingPathComponent("oomlab").path) && url.path != "/" {
      url = url.deletingLastPathComponent()
    }
    return url.appendingPathComponent("oomlab").path
  }

  /// Writes `yaml` to a temporary scenario file and runs `oomlab run` on it with a CSV and summary, with
  /// `environment` added to oomlab's; `whileRunning` is given the process and the CSV's path.
  static func run(
    _ yaml: String, arguments: [String] = [], name: String = "scenario.yaml", environment: [String: String] = [:],
    whileRunning: ((Process, _ csv: URL) -> Void)? = nil
  ) throws -> Result {
    let directory = try temporaryDirectory()
    let scenario = directory.appendingPathComponent(name)
    try yaml.write(to: scenario, atomically: true, encoding: .utf8)
    let csv = directory.appendingPathComponent("out.csv")
    let summary = directory.appendingPathComponent("summary.json")
    return try invoke(
      ["run", scenario.path, "--csv", csv.path, "--summary", summary.path] + arguments, directory: directory,
      csv: csv, summary: summary, environment: environment, whileRunning: whileRunning.map { body in { body($0, csv) } })
  }

  /// Runs `oomlab` (or `executable`, such as a shell that starts it) with arbitrary arguments in `directory`.
  static func invoke(
    _ arguments: [String], directory: URL, csv: URL? = nil, summary: URL? = nil, environment: [String: String] = [:],
    executable: String? = nil, whileRunning: ((Process) -> Void)? = nil
  ) throws -> Result {
    let process = Process()
    if !environment.isEmpty {
      process.environment = ProcessInfo.processInfo.environment.merging(environment) { $1 }
    }
    process.executableURL = URL(fileURLWithPath: executable ?? binary)
    process.arguments = arguments
    process.currentDirectoryURL = directory
    // Output goes to a folder of its own: `directory` may be the repository itself.
    let outputs = try temporaryDirectory()
    defer { try? FileManager.default.removeItem(at: outputs) }
    let out = outputs.appendingPathComponent("stdout.txt")
    let err = outputs.appendingPathComponent("stderr.txt")
    _ = FileManager.default.createFile(atPath: out.path, contents: nil)
    _ = FileManager.default.createFile(atPath: err.path, contents: nil)
    process.standardOutput = try FileHandle(forWritingTo: out)
    process.standardError = try FileHandle(forWritingTo: err)
    try process.run()
    whileRunning?(process)
    process.waitUntilExit()
    let csvTable = csv.flatMap { try? String(contentsOf: $0, encoding: .utf8) }.map(CSVTable.init)
    let json = summary.flatMap { try? Data(contentsOf: $0) }
    return Result(
      pid: process.processIdentifier, status: process.terminationStatus,
      stdout: (try? String(contentsOf: out, encoding: .utf8)) ?? "",
      stderr: (try? String(contentsOf: err, encoding: .utf8)) ?? "",
      csv: csvTable, summaryJSON: json, report: json.flatMap { try? RunReport.decode($0) },
      directory: directory)
  }

  static func temporaryDirectory() throws -> URL {
    let url = FileManager.default.temporaryDirectory.appendingPathComponent("oomlab-test-\(UUID().uuidString)")
    try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
    return url
  }
}

extension OomlabProcess.Result {
  /// Removes the run's temporary folder.
  func cleanUp() { try? FileManager.default.removeItem(at: directory) }

  /// The outcome named in the JSON summary.
  var outcome: Outcome? { report?.outcome }

  /// The first worker's report in the JSON summary.
  var firstProcess: RunReport.ProcessReport? { report?.processes.first }
}
