import Foundation
import Glibc
import Testing

@testable import OomlabKit
import OomlabTestSupport

/// Workers are this very binary, re-executed through /proc/self/exe, whatever happens to its path meanwhile.
struct WorkerLaunchTests {
  @Test func aBinaryReplacedMidMatrixStillStartsTheLaterCells() throws {
    let directory = try OomlabProcess.temporaryDirectory()
    defer { try? FileManager.default.removeItem(at: directory) }
    // A copy of its own, replaced (unlinked, a new file in its place) while the first cell runs, as a rebuild does.
    let binary = directory.appendingPathComponent("oomlab")
    try FileManager.default.copyItem(atPath: OomlabProcess.binary, toPath: binary.path)
    try "name: first\nabout: f\nsample: 20ms\nsteps:\n  - hold: 1s\n".write(
      to: directory.appendingPathComponent("first.yaml"), atomically: true, encoding: .utf8)
    try "name: second\nabout: s\nsample: 20ms\nsteps:\n  - hold: 10ms\n".write(
      to: directory.appendingPathComponent("second.yaml"), atomically: true, encoding: .utf8)
    let out = directory.appendingPathComponent("out")
    let result = try OomlabProcess.invoke(
      ["matrix", "first.yaml", "second.yaml", "--out", "out"], directory: directory, executable: binary.path
    ) { _ in
      _ = CSVTable.waitForRow(in: out.appendingPathComponent("first-glibc-none.csv"), step: "hold")
      try? FileManager.default.removeItem(at: binary)
      try? "#!/bin/sh\nexit 99\n".write(to: binary, atomically: false, encoding: .utf8)
    }
    #expect(result.status == 0, "\(result.stdout)\(result.stderr)")
    let second = CSVTable(contentsOf: out.appendingPathComponent("second-glibc-none.csv"))
    #expect(second.column("row").contains("end"), "the second cell's worker did not run: \(result.stderr)")
  }

  /// Exec'd through /proc/self/exe, the kernel names a worker `exe`; it takes its binary's name back.
  @Test func aWorkerIsNamedAfterItsBinary() throws {
    var comm: String?
    let result = try OomlabProcess.run("name: named\nsample: 20ms\nsteps:\n  - hold: 1s\n") { _, csv in
      if let pid = CSVTable.waitForRow(in: csv, step: "hold") { comm = try? FileIO.read("/proc/\(pid)/comm") }
    }
    defer { result.cleanUp() }
    #expect(result.status == 0, "\(result.stderr)")
    #expect(comm == URL(fileURLWithPath: OomlabProcess.binary).lastPathComponent + "\n")
  }
}
