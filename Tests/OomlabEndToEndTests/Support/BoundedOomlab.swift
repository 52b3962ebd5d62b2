import Foundation
import Glibc
import OomlabTestSupport

/// Runs the built `oomlab` with its memory and time bounded by construction, for hostile inputs.
///
/// The child gets a 512 MiB address-space limit (`ulimit -v`) and is SIGKILLed at the deadline,
/// so a regression that reads or expands without end fails the test instead of the machine.
struct BoundedOomlab {
  /// The result of one bounded invocation.
  struct Result {
    let status: Int32
    let stdout: String
    let stderr: String
    /// Whether the deadline passed and the child was killed.
    let killed: Bool
    /// Seconds from start to exit.
    let seconds: Double
  }

  /// The child's address-space limit in KiB.
  static let addressSpaceKiB = 512 * 1024

  /// Runs `oomlab ARGUMENTS` in `directory`, killing it after `deadline` seconds.
  static func run(_ arguments: [String], in directory: URL, deadline: Double = 30) throws -> Result {
    let outputs = try OomlabProcess.temporaryDirectory()
    defer { try? FileManager.default.removeItem(at: outputs) }
    let out = outputs.appendingPathComponent("stdout.txt")
    let err = outputs.appendingPathComponent("stderr.txt")
    _ = FileManager.default.createFile(atPath: out.path, contents: nil)
    _ = FileManager.default.createFile(atPath: err.path, contents: nil)
    let process = Process()
    process.executableURL = URL(fileURLWithPath: "/bin/sh")
    process.arguments = ["-c", "ulimit -v \(addressSpaceKiB) && exec \"$0\" \"$@\"", OomlabProcess.binary] + arguments
    process.currentDirectoryURL = directory
    process.standardInput = FileHandle.nullDevice
    process.standardOutput = try FileHandle(forWritingTo: out)
    process.standardError = try FileHandle(forWritingTo: err)
    let start = Date()
    try process.run()
    let killed = !Poll.until(within: deadline, every: 0.01) { !process.isRunning }
    if killed { kill(process.processIdentifier, SIGKILL) }
    process.waitUntilExit()
    return Result(
      status: process.terminationStatus,
      stdout: (try? String(contentsOf: out, encoding: .utf8)) ?? "",
      stderr: (try? String(contentsOf: err, encoding: .utf8)) ?? "",
      killed: killed, seconds: Date().timeIntervalSince(start))
  }
}
