import Foundation
import Glibc

@testable import OomlabKit

/// The real programs the exec and attach tests run, found the way oomlab finds a command.
enum RealPrograms {
  /// node on PATH, or nil.
  static let node: String? = try? CommandPath.resolve("node", path: ProcessInfo.processInfo.environment["PATH"])

  /// The system's python3 (a version manager's shim on PATH would add shells of its own to the tree).
  static let python: String? =
    access("/usr/bin/python3", X_OK) == 0
    ? "/usr/bin/python3" : try? CommandPath.resolve("python3", path: ProcessInfo.processInfo.environment["PATH"])

  /// Why the Node tests cannot run here, or nil when they can.
  static let nodeMissing: String? =
    node == nil ? "node is not on PATH (scripts/test.sh installs Debian's nodejs when run as root)" : nil

  /// Why the Python tests cannot run here, or nil when they can.
  static let pythonMissing: String? = python == nil ? "python3 is not installed" : nil

  /// Writes `text` to `name` in `directory` and returns its path.
  static func write(_ text: String, _ name: String, in directory: URL) throws -> String {
    let url = directory.appendingPathComponent(name)
    try text.write(to: url, atomically: true, encoding: .utf8)
    return url.path
  }

  /// Runs `oomlab exec` with a CSV and a JSON summary in a new temporary folder.
  static func exec(
    _ command: [String], options: [String] = [], in directory: URL? = nil,
    whileRunning: ((Process) -> Void)? = nil
  ) throws -> OomlabProcess.Result {
    let directory = try directory ?? OomlabProcess.temporaryDirectory()
    let csv = directory.appendingPathComponent("out.csv")
    let summary = directory.appendingPathComponent("summary.json")
    return try OomlabProcess.invoke(
      // A test that goes wrong ends in status 124 rather than hanging the suite.
      ["exec", "--csv", csv.path, "--summary", summary.path, "--timeout", "120s"] + options + ["--"] + command,
      directory: directory,
      csv: csv, summary: summary, whileRunning: whileRunning)
  }

  /// VmRSS of `pid` in bytes from /proc/PID/status, nil once it is gone.
  static func rss(_ pid: Int32) -> Double? {
    guard let text = try? String(contentsOfFile: "/proc/\(pid)/status", encoding: .utf8) else { return nil }
    return ProcStatus.parse(text).rss > 0 ? Double(ProcStatus.parse(text).rss) : nil
  }
}

extension CSVTable {
  /// The rows of process `pid`, as column name to cell.
  func rows(ofPid pid: Int32) -> [[String: String]] {
    guard let column = header.firstIndex(of: "pid") else { return [] }
    return rows.filter { $0[column] == "\(pid)" }.map { Dictionary(uniqueKeysWithValues: zip(header, $0)) }
  }
}
