import Foundation
import Testing

@testable import OomlabKit
import OomlabTestSupport

/// `oomlab collect` rebuilds the matrix folder `oomlab matrix` would have written from cells run one by one,
/// whether they come as framed logs or as a volume's folders, and refuses to guess at missing cells.
@Suite struct CollectCommandTests {
  static let axes = MatrixCellCommandTests.axes

  /// A folder with the two scenarios and the whole matrix run in `full`.
  static func fullMatrix() throws -> URL {
    let directory = try MatrixCommandTests.folder(MatrixCellCommandTests.files)
    let full = try OomlabProcess.invoke(["matrix", "a.yaml", "b.yaml"] + axes + ["--out", "full"], directory: directory)
    try #require(full.status == 0, "\(full.stdout)\(full.stderr)")
    return directory
  }

  /// Runs cell `k` alone into `out`, with `extra` options; returns its stdout.
  static func cell(_ k: Int, out: String, extra: [String] = [], in directory: URL) throws -> String {
    let result = try OomlabProcess.invoke(
      ["matrix", "b.yaml", "a.yaml"] + axes + ["--cell", "\(k)", "--out", out] + extra, directory: directory)
    try #require(result.status == 0, "\(result.stdout)\(result.stderr)")
    return result.stdout
  }

  /// Whether two summaries are of the same cells in the same order with the same settings and outcomes.
  static func sameCells(_ a: CSVTable, _ b: CSVTable) -> Bool {
    let kept = ["scenario", "allocator", "limit", "heap_limit", "arena_max", "malloc_conf", "process", "outcome", "matched", "csv"]
    return kept.allSatisfy { a.column($0) == b.column($0) } && a.header == b.header
  }

  @Test func framedLogsBecomeTheWholeMatrix() throws {
    let directory = try Self.fullMatrix()
    defer { try? FileManager.default.removeItem(at: directory) }
    var logs: [String] = []
    // In reverse, and two cells to a log, with kubectl's prefixes: the order comes from the cells themselves.
    for k in stride(from: 11, through: 0, by: -2) {
      let text = try Self.cell(k, out: "c\(k)", extra: ["--framed"], in: directory)
        + Self.cell(k - 1, out: "c\(k - 1)", extra: ["--framed"], in: directory)
      let log = "log\(k).txt"
      try text.split(separator: "\n").map { "2026-11-25T20:00:00Z \($0)" }.joined(separator: "\n")
        .write(to: directory.appendingPathComponent(log), atomically: true, encoding: .utf8)
      logs.append(log)
    }
    let result = try OomlabProcess.invoke(["collect"] + logs + ["--out", "merged"], directory: directory)
    #expect(result.status == 0, "\(result.stdout)\(result.stderr)")
    let merged = try MatrixCommandTests.summary(directory.appendingPathComponent("merged"))
    let full = try MatrixCommandTests.summary(directory.appendingPathComponent("full"))
    #expect(Self.sameCells(merged, full), "\(merged.rows)\n\(full.rows)")
    let files = try FileManager.default.contentsOfDirectory(atPath: directory.appendingPathComponent("merged").path).sorted()
    #expect(files == (try FileManager.default.contentsOfDirectory(atPath: directory.appendingPathComponent("full").path).sorted()))
    // Each file is the cell's own, byte for byte.
    for name in files where name != "summary.csv" {
      let merged = FileManager.default.contents(atPath: directory.appendingPathComponent("merged/\(name)").path)
      let k = try #require(full.column("csv").firstIndex(of: name.replacingOccurrences(of: ".json", with: ".csv")))
      #expect(merged == FileManager.default.contents(atPath: directory.appendingPathComponent("c\(k)/\(name)").path), "\(name)")
    }
  }

  @Test func aVolumesFoldersBecomeTheWholeMatrixAndAMissingCellIsAnError() throws {
    let directory = try Self.fullMatrix()
    defer { try? FileManager.default.removeItem(at: directory) }
    for k in 0..<12 where k != 4 { _ = try Self.cell(k, out: "volume/job/\(k)", in: directory) }
    let refused = try OomlabProcess.invoke(["collect", "volume", "--cells", "12", "--out", "merged"], directory: directory)
    #expect(refused.status == ExitStatus.badInput.rawValue, "\(refused.stdout)\(refused.stderr)")
    #expect(refused.stderr.contains("the matrix has 12 cells and 1 cell missing; --allow-missing collects the rest"), "\(refused.stderr)")
    #expect(!FileManager.default.fileExists(atPath: directory.appendingPathComponent("merged").path))
    let partial = try OomlabProcess.invoke(
      ["collect", "volume", "--cells", "12", "--allow-missing", "--out", "partial"], directory: directory)
    // Written, but not "every cell there and matched": a missing cell has no result.
    #expect(partial.status == ExitStatus.environment.rawValue, "\(partial.stdout)\(partial.stderr)")
    #expect(try MatrixCommandTests.summary(directory.appendingPathComponent("partial")).rows.count == 11)
    _ = try Self.cell(4, out: "volume/job/4", in: directory)
    // The same cell twice (the whole matrix folder holds them all again) is reported and the first kept.
    let whole = try OomlabProcess.invoke(["collect", "volume", "full", "--cells", "12", "--out", "merged"], directory: directory)
    #expect(whole.status == 0, "\(whole.stdout)\(whole.stderr)")
    #expect(whole.stderr.components(separatedBy: "note: duplicated cell:").count - 1 == 12, "\(whole.stderr)")
    let merged = try MatrixCommandTests.summary(directory.appendingPathComponent("merged"))
    #expect(Self.sameCells(merged, try MatrixCommandTests.summary(directory.appendingPathComponent("full"))))
  }

  /// A log whose start was rotated away refuses to be collected, except under --allow-missing, where the cell it
  /// damaged is left out and missing, and the whole cells are collected.
  @Test func aLogCutByRotationLosesOnlyItsDamagedCellUnderAllowMissing() throws {
    let directory = try Self.fullMatrix()
    defer { try? FileManager.default.removeItem(at: directory) }
    let first = try Self.cell(2, out: "c2", extra: ["--framed"], in: directory).split(separator: "\n", omittingEmptySubsequences: false)
    let second = try Self.cell(3, out: "c3", extra: ["--framed"], in: directory)
    // The log as `kubectl logs` returns it after a rotation: cell 2's frames begin mid-way, cell 3's are whole.
    let begins = try #require(first.lastIndex { $0.contains("begin") && $0.contains(".csv") })
    try (first[(begins + 1)...].joined(separator: "\n") + second).write(
      to: directory.appendingPathComponent("pod.log"), atomically: true, encoding: .utf8)
    let refused = try OomlabProcess.invoke(["collect", "pod.log", "--out", "merged"], directory: directory)
    #expect(refused.status == ExitStatus.badInput.rawValue, "\(refused.stdout)\(refused.stderr)")
    #expect(refused.stderr.contains("an end marker without a begin marker"), "\(refused.stderr)")
    let partial = try OomlabProcess.invoke(["collect", "pod.log", "--allow-missing", "--out", "partial"], directory: directory)
    #expect(partial.status == ExitStatus.environment.rawValue, "\(partial.stdout)\(partial.stderr)")
    #expect(partial.stderr.contains("note: left out:"), "\(partial.stderr)")
    #expect(partial.stderr.contains("of 12 missing"), "\(partial.stderr)")
    let summary = try MatrixCommandTests.summary(directory.appendingPathComponent("partial"))
    let full = try MatrixCommandTests.summary(directory.appendingPathComponent("full"))
    #expect(summary.column("csv") == [full.column("csv")[3]], "\(summary.rows)")
  }

  @Test func aMissingFramedCellIsNamedByItsIndex() throws {
    let directory = try Self.fullMatrix()
    defer { try? FileManager.default.removeItem(at: directory) }
    let text = try Self.cell(2, out: "c2", extra: ["--framed"], in: directory)
    try text.write(to: directory.appendingPathComponent("one.log"), atomically: true, encoding: .utf8)
    let result = try OomlabProcess.invoke(["collect", "one.log", "--out", "merged"], directory: directory)
    #expect(result.status == ExitStatus.badInput.rawValue)
    #expect(result.stderr.contains("the matrix has 12 cells and cells 0, 1, 3, 4, 5, 6, 7, 8, 9, 10, 11 missing"), "\(result.stderr)")
  }

  /// A failed cell is known by the file name it would have had: two failed cells of files with one name stay
  /// two, and a retry that ran replaces the failure instead of standing beside it.
  @Test(.enabled(if: jemallocPath != nil, "jemalloc is not installed (apt-get install libjemalloc-dev)"))
  func aFailedCellIsKnownByItsNameAndARetryThatRanReplacesIt() throws {
    let directory = try MatrixCommandTests.folder([:])
    defer { try? FileManager.default.removeItem(at: directory) }
    for (folder, hold) in [("a", "10ms"), ("b", "20ms")] {
      try FileManager.default.createDirectory(at: directory.appendingPathComponent(folder), withIntermediateDirectories: false)
      try "name: quick\nabout: q\nsteps:\n  - hold: \(hold)\n".write(
        to: directory.appendingPathComponent("\(folder)/quick.yaml"), atomically: true, encoding: .utf8)
    }
    // A library that is not there yet, as on a node without it: both files' cells under it fail.
    let library = directory.appendingPathComponent("lib/libmine.so").path
    let arguments = ["matrix", "a/quick.yaml", "b/quick.yaml", "--allocator", "glibc,\(library)"]
    let failing = try OomlabProcess.invoke(arguments + ["--out", "first"], directory: directory)
    #expect(failing.status == ExitStatus.environment.rawValue, "\(failing.stdout)\(failing.stderr)")
    let alone = try OomlabProcess.invoke(["collect", "first", "--out", "alone"], directory: directory)
    #expect(alone.status == ExitStatus.environment.rawValue, "\(alone.stdout)\(alone.stderr)")
    #expect(!alone.stderr.contains("duplicated"), "\(alone.stderr)")
    let four = try MatrixCommandTests.summary(directory.appendingPathComponent("alone"))
    #expect(four.column("outcome").sorted() == ["completed", "completed", "failed", "failed"], "\(four.rows)")
    // The plot passes over the files a failed row names but that were never written.
    let plot = try OomlabProcess.invoke(["plot", "alone", "-o", "alone.svg"], directory: directory)
    if matplotlibUnavailable == nil {
      #expect(plot.status == 0, "\(plot.stdout)\(plot.stderr)")
      let texts = SVGText.texts(in: try String(contentsOf: directory.appendingPathComponent("alone.svg"), encoding: .utf8))
      #expect(texts.contains { $0.contains("2 cells failed to run: not drawn") }, "\(texts)")
    } else {
      #expect(plot.status == ExitStatus.environment.rawValue, "\(plot.stdout)\(plot.stderr)")
    }

    // The retry of one failed cell, where the library is: collected with the first run, it replaces the failure.
    try FileManager.default.createDirectory(at: directory.appendingPathComponent("lib"), withIntermediateDirectories: false)
    try FileManager.default.copyItem(atPath: try #require(jemallocPath), toPath: library)
    let list = try OomlabProcess.invoke(arguments + ["--list-cells"], directory: directory)
    let cells = list.stdout.split(separator: "\n").map { $0.split(separator: "\t").map(String.init) }
    let failed = try #require(four.rows.first { $0[four.header.firstIndex(of: "outcome")!] == "failed" })
    let retried = try #require(cells.first { $0[1] + ".csv" == failed.last })
    let retry = try OomlabProcess.invoke(arguments + ["--cell", retried[0], "--out", "retry"], directory: directory)
    #expect(retry.status == ExitStatus.matched.rawValue, "\(retry.stdout)\(retry.stderr)")
    // Its JSON says which library ran, since another of the same short name could have.
    let json = directory.appendingPathComponent("retry/\(retried[1]).json")
    let report = try RunReport.decode(Data(contentsOf: json))
    #expect(report.allocator == "mine" && report.allocatorPath == library, "\(report.allocator) \(report.allocatorPath ?? "nil")")
    let merged = try OomlabProcess.invoke(["collect", "first", "retry", "--cells", "\(cells.count)", "--out", "merged"], directory: directory)
    #expect(merged.status == ExitStatus.environment.rawValue, "one cell still failed: \(merged.stdout)\(merged.stderr)")
    #expect(merged.stderr.contains("keeping the one that ran"), "\(merged.stderr)")
    let summary = try MatrixCommandTests.summary(directory.appendingPathComponent("merged"))
    #expect(summary.column("outcome").sorted() == ["completed", "completed", "completed", "failed"], "\(summary.rows)")
    #expect(Set(summary.column("csv")).count == 4, "\(summary.rows)")
  }

  /// collect ends as the matrix would for the same cells: a process that could not run, or a CSV its JSON
  /// summary calls incomplete, is 3 even where the cell's outcome matched.
  @Test(arguments: ["process_outcome", "csv_incomplete"])
  func aCellThatSaysNothingMakesCollectExitThree(what: String) throws {
    let directory = try MatrixCommandTests.folder(["quick.yaml": MatrixCommandTests.quick])
    defer { try? FileManager.default.removeItem(at: directory) }
    let matrix = try OomlabProcess.invoke(["matrix", "quick.yaml", "--out", "m"], directory: directory)
    try #require(matrix.status == 0, "\(matrix.stdout)\(matrix.stderr)")
    let clean = try OomlabProcess.invoke(["collect", "m", "--out", "clean"], directory: directory)
    #expect(clean.status == ExitStatus.matched.rawValue, "\(clean.stdout)\(clean.stderr)")
    // What `run` writes when a second process could not start, or the disk filled under the CSV.
    if what == "process_outcome" {
      let summary = directory.appendingPathComponent("m/summary.csv")
      let text = try String(contentsOf: summary, encoding: .utf8)
      try text.replacingOccurrences(of: ",worker,completed,completed,", with: ",worker,completed,failed,")
        .write(to: summary, atomically: true, encoding: .utf8)
      #expect(try String(contentsOf: summary, encoding: .utf8) != text)
    } else {
      let json = directory.appendingPathComponent("m/quick-glibc-none.json")
      var object = try #require(try JSONSerialization.jsonObject(with: Data(contentsOf: json)) as? [String: Any])
      object["csv_incomplete"] = "no space left on device"
      try JSONSerialization.data(withJSONObject: object).write(to: json)
      #expect(try RunReport.decode(Data(contentsOf: json)).csvIncomplete != nil)
    }
    let result = try OomlabProcess.invoke(["collect", "m", "--out", "merged"], directory: directory)
    #expect(result.status == ExitStatus.environment.rawValue, "\(result.stdout)\(result.stderr)")
  }

  @Test(arguments: [
    ("nothing", "nothing: cannot read it"),
    ("empty", "no cell found in \"empty\""),
    ("bad.log", "bad.log:2: a marker line that is not"),
  ])
  func unusableSourcesWriteNothing(source: String, message: String) throws {
    let directory = try MatrixCommandTests.folder(["bad.log": "hello\n=== oomlab cell x of 2 begin a 1 bytes base64 ===\n"])
    defer { try? FileManager.default.removeItem(at: directory) }
    try FileManager.default.createDirectory(at: directory.appendingPathComponent("empty"), withIntermediateDirectories: false)
    let result = try OomlabProcess.invoke(["collect", source, "--out", "merged"], directory: directory)
    #expect(result.status == ExitStatus.badInput.rawValue, "\(result.stdout)\(result.stderr)")
    #expect(result.stderr.contains(message), "\(result.stderr)")
    #expect(!FileManager.default.fileExists(atPath: directory.appendingPathComponent("merged").path))
  }

  @Test func anOutputFolderWithFilesIsRefused() throws {
    let directory = try Self.fullMatrix()
    defer { try? FileManager.default.removeItem(at: directory) }
    let result = try OomlabProcess.invoke(["collect", "full", "--out", "full"], directory: directory)
    #expect(result.status == ExitStatus.badInput.rawValue, "\(result.stdout)\(result.stderr)")
    #expect(result.stderr.contains("--out \"full\" exists and is not an empty folder"), "\(result.stderr)")
  }

  /// `oomlab plot` draws a collected matrix as it draws one `matrix` wrote.
  @Test(.enabled(if: matplotlibUnavailable == nil, "\(matplotlibUnavailable ?? "")"))
  func aCollectedMatrixIsDrawn() throws {
    let directory = try Self.fullMatrix()
    defer { try? FileManager.default.removeItem(at: directory) }
    let result = try OomlabProcess.invoke(["collect", "full", "--out", "merged"], directory: directory)
    try #require(result.status == 0, "\(result.stdout)\(result.stderr)")
    let texts = try PlotCommandTests.draw("merged", kind: "matrix", in: directory)
    #expect(texts.filter { $0 == "completed" }.count == 12, "one outcome badge per cell: \(texts)")
  }
}
