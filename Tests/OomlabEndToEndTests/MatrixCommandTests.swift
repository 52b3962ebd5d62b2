import Foundation
import Glibc
import Testing

@testable import OomlabKit
import OomlabTestSupport

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

  /// An allocator missing here is one cell's failure, not the matrix's; `--cell` resolves only its own cell.
  @Test func aCellTheMachineCannotRunFailsAloneAndTheOthersRun() throws {
    let directory = try Self.folder(["quick.yaml": Self.quick])
    defer { try? FileManager.default.removeItem(at: directory) }
    let axes = ["--allocator", "glibc,/nonexistent/libfoo.so"]
    let result = try OomlabProcess.invoke(["matrix", "quick.yaml"] + axes + ["--out", "out"], directory: directory)
    #expect(result.status == ExitStatus.environment.rawValue, "\(result.stdout)\(result.stderr)")
    #expect(result.stderr.contains("/nonexistent/libfoo.so"), "\(result.stderr)")
    let summary = CSVTable(try String(contentsOf: directory.appendingPathComponent("out/summary.csv"), encoding: .utf8))
    #expect(summary.column("outcome").sorted() == ["completed", "failed"], "\(summary.rows)")
    #expect(FileManager.default.fileExists(atPath: directory.appendingPathComponent("out/quick-glibc-none.csv").path))

    let list = try OomlabProcess.invoke(["matrix", "quick.yaml"] + axes + ["--list-cells"], directory: directory)
    let glibc = try #require(list.stdout.split(separator: "\n").first { $0.contains("quick-glibc-none") }?.split(separator: "\t").first)
    let alone = try OomlabProcess.invoke(
      ["matrix", "quick.yaml"] + axes + ["--cell", String(glibc), "--out", "alone"], directory: directory)
    #expect(alone.status == ExitStatus.matched.rawValue, "\(alone.stdout)\(alone.stderr)")
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
    (["--malloc-conf", ""], "--malloc-conf"),
    (["--arena-max", "2,0"], "--arena-max"),
    (["--arena-max", "2", "--allocator", "jemalloc"], "--arena-max"),
    (["--heap-limit", "50%,,75%"], "--heap-limit"),
    (["--heap-limit", "75%", "--memory-limit", "none"], "--heap-limit"),
    (["--memory-limit", "256mb"], "--memory-limit"),
    (["--enforce", "sometimes"], "--enforce"),
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
      _ = CSVTable.waitForRow(in: out.appendingPathComponent("long-glibc-none.csv"), step: "hold")
      kill(process.processIdentifier, SIGINT)
    }
    #expect(result.status == ExitStatus.interrupted.rawValue, "\(result.stdout)\(result.stderr)")
    #expect(!FileManager.default.fileExists(atPath: out.appendingPathComponent("quick-glibc-none.csv").path))
    #expect(FileManager.default.fileExists(atPath: out.appendingPathComponent("summary.csv").path))
  }

  /// The summary.csv rows of a matrix folder, and a cell's JSON summary.
  static func summary(_ out: URL) throws -> CSVTable {
    CSVTable(try String(contentsOf: out.appendingPathComponent("summary.csv"), encoding: .utf8))
  }

  static func report(_ out: URL, _ csv: String) throws -> RunReport {
    try RunReport.decode(Data(contentsOf: out.appendingPathComponent(csv.replacingOccurrences(of: ".csv", with: ".json"))))
  }

  /// `matrix` takes every option of `run`, and crosses the lists of its axes: each cell ran with its values.
  @Test func everyAxisReachesItsCellsAndTheRunOptionsReachThemAll() throws {
    let directory = try Self.folder([
      "grow.yaml": "name: grow\nabout: g\nsteps:\n  - buffers: { count: 2, size: 2MiB }\n  - hold: 30ms\n"
    ])
    defer { try? FileManager.default.removeItem(at: directory) }
    let result = try OomlabProcess.invoke(
      [
        "matrix", "grow.yaml", "--out", "out", "--memory-limit", "64Mi,128m", "--heap-limit", "50%,100%",
        "--arena-max", "none,2", "--enforce", "simulated", "--interval", "10ms",
      ], directory: directory)
    #expect(result.status == 0, "\(result.stdout)\(result.stderr)")
    let out = directory.appendingPathComponent("out")
    let summary = try Self.summary(out)
    #expect(summary.rows.count == 8)
    #expect(Set(summary.column("csv")).count == 8)
    for row in summary.rows {
      let cell = Dictionary(uniqueKeysWithValues: zip(summary.header, row))
      let report = try Self.report(out, cell["csv"]!)
      let limit = try #require(ByteSize.parse(cell["limit"]!).get() as UInt64?)
      #expect(report.limitBytes == limit, "\(cell)")
      let share: UInt64 = cell["heap_limit"] == "50%" ? 2 : 1
      #expect(report.heapLimitBytes == limit / share, "\(cell)")
      #expect(report.tuning["arena_max"] == (cell["arena_max"]!.isEmpty ? nil : cell["arena_max"]), "\(cell)")
      #expect(report.enforcement == .simulated, "--enforce reaches every cell: \(cell)")
      #expect(report.intervalSeconds == 0.01)
      #expect(cell["outcome"] == "completed" && cell["matched"] == "true")
    }
    #expect(summary.column("limit").sorted() == Array(repeating: "128MiB", count: 4) + Array(repeating: "64MiB", count: 4))
    #expect(result.stdout.contains("heap_limit") && result.stdout.contains("arena_max"), "\(result.stdout)")
  }

  /// One row per process, each row's peak and final taken from that process alone: final is its last sample,
  /// so it never exceeds the peak, even where the processes together hold more at the end than either did.
  @Test func eachProcessHasARowWithItsOwnPeakAndFinal() throws {
    let directory = try Self.folder([
      "pair.yaml": """
        name: pair
        about: two processes, one that gives back what it held
        sample: 10ms
        processes:
          - name: big
            steps:
              - buffers: { count: 1, size: 24MiB, as: burst }
              - hold: 40ms
              - free: { what: burst }
              - trim
              - hold: 40ms
          - name: steady
            steps:
              - buffers: { count: 1, size: 16MiB }
              - hold: 120ms

        """
    ])
    defer { try? FileManager.default.removeItem(at: directory) }
    let result = try OomlabProcess.invoke(["matrix", "pair.yaml", "--out", "out"], directory: directory)
    #expect(result.status == 0, "\(result.stdout)\(result.stderr)")
    let out = directory.appendingPathComponent("out")
    let summary = try Self.summary(out)
    #expect(summary.column("process") == ["big", "steady"])
    #expect(result.stdout.contains("process"), "the table tells the processes apart: \(result.stdout)")
    let csv = CSVTable(try String(contentsOf: out.appendingPathComponent(summary.column("csv")[0]), encoding: .utf8))
    let process = try #require(csv.header.firstIndex(of: "process"))
    let rss = try #require(csv.header.firstIndex(of: "rss_bytes"))
    for row in summary.rows {
      let cell = Dictionary(uniqueKeysWithValues: zip(summary.header, row))
      let peak = try #require(Double(cell["peak_rss_bytes"]!))
      let final = try #require(Double(cell["final_rss_bytes"]!))
      #expect(final <= peak, "\(cell)")
      let samples = csv.rows.filter { $0[process] == cell["process"] }.compactMap { Double($0[rss]) }
      #expect(peak == samples.max(), "peak is the highest sample of \(cell["process"]!)")
      #expect(final == samples.last, "final is the last sample of \(cell["process"]!)")
    }
    // The burst was given back: its process ended well below its peak.
    let big = Dictionary(uniqueKeysWithValues: zip(summary.header, summary.rows[0]))
    #expect(Double(big["final_rss_bytes"]!)! < Double(big["peak_rss_bytes"]!)! - 16 * MiB, "\(big)")
  }

  /// A limit written in the scenario and the same limit given as a flag name the cell's files alike.
  @Test func aCellIsNamedAlikeWhetherItsLimitCameFromTheFlagOrTheScenario() throws {
    let directory = try Self.folder([
      "flag.yaml": "name: same\nabout: f\nsteps:\n  - hold: 5ms\n",
      "file.yaml": "name: same\nabout: f\nlimit: 64MiB\nheap-limit: 50%\nsteps:\n  - hold: 5ms\n",
    ])
    defer { try? FileManager.default.removeItem(at: directory) }
    let flag = try OomlabProcess.invoke(
      ["matrix", "flag.yaml", "--memory-limit", "64m", "--heap-limit", "50.0%", "--enforce", "simulated", "--out", "a"],
      directory: directory)
    let file = try OomlabProcess.invoke(["matrix", "file.yaml", "--enforce", "simulated", "--out", "b"], directory: directory)
    #expect(flag.status == 0 && file.status == 0, "\(flag.stderr)\(file.stderr)")
    let a = try Self.summary(directory.appendingPathComponent("a"))
    let b = try Self.summary(directory.appendingPathComponent("b"))
    #expect(a.column("csv") == ["same-glibc-64MiB-heap50%.csv"])
    #expect(b.column("csv") == a.column("csv"))
    #expect(a.column("limit") == ["64MiB"] && b.column("limit") == ["64MiB"])
    #expect(a.column("heap_limit") == ["50%"] && b.column("heap_limit") == ["50%"])
  }

  /// MALLOC_CONF values hold commas, so `--malloc-conf` is repeated; a tuning meeting an allocator it does not
  /// apply to is skipped with a note, and summary.csv quotes the value.
  @Test(.enabled(if: jemallocPath != nil, "jemalloc is not installed (apt-get install libjemalloc-dev)"))
  func tuningsAreCrossedWithAllocatorsAndSkippedWhereTheyDoNotApply() throws {
    let directory = try Self.folder(["quick.yaml": Self.quick])
    defer { try? FileManager.default.removeItem(at: directory) }
    let conf = "dirty_decay_ms:0,muzzy_decay_ms:0"
    let result = try OomlabProcess.invoke(
      [
        "matrix", "quick.yaml", "--allocator", "glibc,jemalloc", "--arena-max", "none,2", "--malloc-conf", "none",
        "--malloc-conf", conf, "--out", "out",
      ], directory: directory)
    #expect(result.status == 0, "\(result.stdout)\(result.stderr)")
    #expect(result.stderr.contains("note: skipped 2 cells: --malloc-conf \"\(conf)\" is jemalloc's, not glibc's"), "\(result.stderr)")
    #expect(result.stderr.contains("note: skipped 2 cells: --arena-max 2 is glibc's, not jemalloc's"), "\(result.stderr)")
    let out = directory.appendingPathComponent("out")
    let summary = try Self.summary(out)
    #expect(summary.malformed.isEmpty)
    #expect(summary.column("allocator") == ["glibc", "glibc", "jemalloc", "jemalloc"])
    #expect(summary.column("arena_max") == ["", "2", "", ""])
    #expect(summary.column("malloc_conf") == ["", "", "", conf])
    let tuned = try Self.report(out, summary.column("csv")[3])
    #expect(tuned.tuning["malloc_conf"] == conf)
    #expect(try Self.report(out, summary.column("csv")[1]).tuning["arena_max"] == "2")
    #expect(try String(contentsOf: out.appendingPathComponent("summary.csv"), encoding: .utf8).contains(",\"\(conf)\","))
  }

  /// `oomlab plot` draws a matrix whose cells differ by tuning and heap limit, one small chart each.
  @Test(.enabled(if: matplotlibUnavailable == nil, "\(matplotlibUnavailable ?? "")"))
  func aSweptMatrixIsDrawn() throws {
    let directory = try Self.folder([
      "grow.yaml": "name: grow\nabout: g\nsample: 10ms\nsteps:\n  - buffers: { count: 4, size: 2MiB, every: 10ms }\n"
    ])
    defer { try? FileManager.default.removeItem(at: directory) }
    let matrix = try OomlabProcess.invoke(
      ["matrix", "grow.yaml", "--memory-limit", "64Mi", "--heap-limit", "50%,100%", "--arena-max", "none,1",
       "--enforce", "simulated", "--out", "m"], directory: directory)
    try #require(matrix.status == 0, "\(matrix.stdout)\(matrix.stderr)")
    let texts = try PlotCommandTests.draw("m", kind: "matrix", in: directory)
    #expect(texts.contains("glibc · limit 64MiB · untuned · heap 50%"), "\(texts)")
    #expect(texts.contains("glibc · limit 64MiB · arena-max 1 · heap 100%"), "\(texts)")
    #expect(texts.filter { $0 == "completed" }.count == 4, "one outcome badge per cell: \(texts)")
  }
}
