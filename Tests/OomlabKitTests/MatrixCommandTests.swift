import Foundation
import Glibc
import Testing

@testable import OomlabKit

/// `oomlab matrix` follows `run`'s exit contract over its cells and never overwrites one cell with another.
@Suite struct MatrixCommandTests {
  /// A folder holding `files` (name to YAML), removed by the caller.
  static func folder(_ files: [String: String]) throws -> URL {
    let directory = try OomlabProcess.temporaryDirectory()
    for (name, yaml) in files {
      try yaml.write(to: directory.appendingPathComponent(name), atomically: true, encoding: .utf8)
    }
    return directory
  }

  static let quick = "name: quick\nabout: q\nsample: 20ms\nsteps:\n  - hold: 10ms\n"

  @Test func aMismatchedCellMakesTheMatrixExitOne() throws {
    let directory = try Self.folder([
      "good.yaml": Self.quick,
      "wrong.yaml": "name: wrong\nabout: w\nexpect: oom-kill\nsteps:\n  - hold: 10ms\n",
    ])
    defer { try? FileManager.default.removeItem(at: directory) }
    let result = try OomlabProcess.invoke(["matrix", "good.yaml", "wrong.yaml", "--out", "out"], directory: directory)
    #expect(result.status == ExitStatus.mismatched.rawValue, "\(result.stdout)\(result.stderr)")
    let summary = CSVTable(try String(contentsOf: directory.appendingPathComponent("out/summary.csv"), encoding: .utf8))
    #expect(summary.rows.count == 2)
  }

  @Test(.enabled(if: !canLowerOomScoreAdj, "this process may lower oom_score_adj, so no cell fails on it"))
  func aCellThatCannotRunMakesTheMatrixExitThree() throws {
    let directory = try Self.folder([
      "good.yaml": Self.quick,
      "needs-cap.yaml": "name: needs-cap\nabout: n\nsteps:\n  - oom-score-adj: -998\n  - hold: 10ms\n",
    ])
    defer { try? FileManager.default.removeItem(at: directory) }
    let result = try OomlabProcess.invoke(["matrix", "needs-cap.yaml", "good.yaml", "--out", "out"], directory: directory)
    #expect(result.status == ExitStatus.environment.rawValue, "\(result.stdout)\(result.stderr)")
    // The cell after the failed one still ran.
    #expect(FileManager.default.fileExists(atPath: directory.appendingPathComponent("out/quick-glibc-none.csv").path))
  }

  @Test(arguments: [
    (["--allocator", ","], "--allocator"),
    (["--allocator", ""], "--allocator"),
    (["--memory-limit", "256MiB,,none"], "--memory-limit"),
    (["--interval", "0ms"], "--interval"),
    (["--interval", "garbage"], "--interval"),
    (["--interval", "-5ms"], "--interval"),
    (["--memory-limit", "-1"], "--memory-limit"),
    (["--malloc-conf", "dirty_decay_ms:0"], "--malloc-conf"),
  ])
  func badUsageWritesNothing(arguments: [String], flag: String) throws {
    let directory = try Self.folder(["quick.yaml": Self.quick])
    defer { try? FileManager.default.removeItem(at: directory) }
    let result = try OomlabProcess.invoke(["matrix", "quick.yaml", "--out", "out"] + arguments, directory: directory)
    #expect(result.status == ExitStatus.badInput.rawValue, "\(result.stdout)\(result.stderr)")
    #expect(result.stderr.contains(flag), "\(result.stderr)")
    #expect(!FileManager.default.fileExists(atPath: directory.appendingPathComponent("out").path))
  }

  @Test func anOutputThatIsAFileIsRefusedInWords() throws {
    let directory = try Self.folder(["quick.yaml": Self.quick, "taken": ""])
    defer { try? FileManager.default.removeItem(at: directory) }
    let result = try OomlabProcess.invoke(["matrix", "quick.yaml", "--out", "taken"], directory: directory)
    #expect(result.status == ExitStatus.badInput.rawValue)
    #expect(result.stderr.contains("--out \"taken\" exists and is not a folder"), "\(result.stderr)")
    #expect(!result.stderr.contains("NSCocoaErrorDomain"))
  }

  @Test func cellsThatWouldShareANameGetTheirOwnFiles() throws {
    let directory = try Self.folder([
      "quick.yaml": Self.quick,
      // Another file with the same name: field.
      "twin.yaml": Self.quick,
    ])
    defer { try? FileManager.default.removeItem(at: directory) }
    let result = try OomlabProcess.invoke(
      ["matrix", "quick.yaml", "./quick.yaml", "twin.yaml", "--allocator", "glibc,libc,glibc", "--out", "out"],
      directory: directory)
    #expect(result.status == 0, "\(result.stdout)\(result.stderr)")
    let out = directory.appendingPathComponent("out")
    let summary = CSVTable(try String(contentsOf: out.appendingPathComponent("summary.csv"), encoding: .utf8))
    // quick.yaml twice is one scenario and glibc/libc one allocator: two cells, one per file.
    #expect(summary.rows.count == 2)
    let csvs = summary.column("csv")
    #expect(Set(csvs).count == csvs.count, "\(csvs)")
    for name in csvs { #expect(FileManager.default.fileExists(atPath: out.appendingPathComponent(name).path)) }
  }

  @Test func anInterruptStopsTheWholeMatrix() throws {
    let directory = try Self.folder([
      "long.yaml": "name: long\nabout: l\nsample: 20ms\nsteps:\n  - hold: 20s\n",
      "quick.yaml": Self.quick,
    ])
    defer { try? FileManager.default.removeItem(at: directory) }
    let out = directory.appendingPathComponent("out")
    let result = try OomlabProcess.invoke(["matrix", "long.yaml", "quick.yaml", "--out", "out"], directory: directory) {
      process in
      _ = SupervisorSignalTests.waitForRow(in: out.appendingPathComponent("long-glibc-none.csv"), step: "hold")
      kill(process.processIdentifier, SIGINT)
    }
    #expect(result.status == ExitStatus.interrupted.rawValue, "\(result.stdout)\(result.stderr)")
    #expect(!FileManager.default.fileExists(atPath: out.appendingPathComponent("quick-glibc-none.csv").path))
    #expect(FileManager.default.fileExists(atPath: out.appendingPathComponent("summary.csv").path))
  }
}
