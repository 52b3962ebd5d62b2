import Foundation
import Glibc
import Testing

@testable import OomlabKit
import OomlabTestSupport

/// `oomlab attach` on a real running process, and on a pid that names none.
@Suite struct AttachCommandTests {
  @Test(.enabled(if: RealPrograms.pythonMissing == nil, "\(RealPrograms.pythonMissing ?? "")"))
  func aGrowingPythonIsRecordedUntilItExits() throws {
    let directory = try OomlabProcess.temporaryDirectory()
    defer { try? FileManager.default.removeItem(at: directory) }
    let go = directory.appendingPathComponent("go")
    // Ready once started; then 10 x 5 MiB written, one every 200 ms, held 500 ms, and exit.
    let python = Process()
    python.executableURL = URL(fileURLWithPath: try #require(RealPrograms.python))
    python.arguments = [
      "-c",
      """
      import os, sys, time
      print('ready', flush=True)
      while not os.path.exists(sys.argv[1]): time.sleep(0.01)
      blocks = []
      for _ in range(10):
          blocks.append(bytearray(5 * 1024 * 1024))
          time.sleep(0.2)
      time.sleep(0.5)
      """, go.path,
    ]
    let ready = Pipe()
    python.standardOutput = ready
    try python.run()
    defer {
      if python.isRunning { kill(python.processIdentifier, SIGKILL) }
      python.waitUntilExit()
    }
    #expect(String(decoding: ready.fileHandleForReading.availableData, as: UTF8.self).hasPrefix("ready"))
    let csv = directory.appendingPathComponent("attach.csv")
    let summary = directory.appendingPathComponent("attach.json")
    let result = try OomlabProcess.invoke(
      ["attach", "\(python.processIdentifier)", "--interval", "100ms", "--csv", csv.path, "--summary", summary.path],
      directory: directory, csv: csv, summary: summary
    ) { _ in
      // Growth starts once the baseline row is on disk.
      Poll.until { !CSVTable(contentsOf: csv).rows.isEmpty }
      _ = FileManager.default.createFile(atPath: go.path, contents: nil)
    }
    #expect(result.status == 0, "\(result.stdout)\(result.stderr)")
    let table = try #require(result.csv)
    let rows = table.rows(ofPid: python.processIdentifier)
    #expect(rows.count >= 15, "\(rows.count) rows")
    let first = try #require(rows.first.flatMap { Double($0["rss_bytes"] ?? "") })
    // The highest row, not the last: Python frees its blocks as it finalizes, and a tick can fall there.
    let highest = try #require(rows.compactMap { Double($0["rss_bytes"] ?? "") }.max())
    #expect(abs((highest - first) - 50 * MiB) <= 5 * MiB, "RSS rose \((highest - first) / MiB) MiB")
    let report = try #require(result.report)
    #expect(report.outcome != .running, "the recording ended with the process: \(report.outcome)")
  }

  @Test func attachingToAPidThatDoesNotExistIsBadUsage() throws {
    // pid_max itself is never a pid: pids run below it.
    let pidMax = try #require(Int32(try String(contentsOfFile: "/proc/sys/kernel/pid_max", encoding: .utf8).filter(\.isNumber)))
    let directory = try OomlabProcess.temporaryDirectory()
    let result = try OomlabProcess.invoke(["attach", "\(pidMax)"], directory: directory)
    defer { result.cleanUp() }
    #expect(result.status == ExitStatus.badInput.rawValue)
    #expect(result.stderr.contains("no process with pid \(pidMax) is running"), "\(result.stderr)")
    #expect(try FileManager.default.contentsOfDirectory(atPath: directory.path).isEmpty, "nothing written")
  }
}
