import Foundation
import Testing

@testable import OomlabKit
import OomlabTestSupport

/// `matrix --list-cells` numbers the cells in one order whatever the input order, and `--cell K` runs
/// exactly cell K of the whole matrix, with the same files and summary row.
@Suite struct MatrixCellCommandTests {
  static let files = [
    "b.yaml": "name: beta\nabout: b\nsample: 20ms\nsteps:\n  - buffers: { count: 2, size: 1MiB }\n",
    "a.yaml": "name: alpha\nabout: a\nsample: 20ms\nsteps:\n  - hold: 10ms\n",
  ]

  /// The axes of the tests' matrix, values deliberately out of order.
  static let axes = ["--memory-limit", "none,128Mi,64Mi", "--arena-max", "2,none", "--enforce", "simulated"]

  /// The lines of `--list-cells` for `arguments`, which must succeed.
  static func list(_ arguments: [String], in directory: URL) throws -> [String] {
    let result = try OomlabProcess.invoke(["matrix"] + arguments + ["--list-cells"], directory: directory)
    try #require(result.status == 0, "\(result.stdout)\(result.stderr)")
    return result.stdout.split(separator: "\n").map(String.init)
  }

  @Test func theListIsTheFullMatrixsOrderWhateverTheInputOrder() throws {
    let directory = try MatrixCommandTests.folder(Self.files)
    defer { try? FileManager.default.removeItem(at: directory) }
    let listed = try Self.list(["b.yaml", "a.yaml"] + Self.axes, in: directory)
    let reordered = try Self.list(
      ["a.yaml", "b.yaml", "--arena-max", "none,2", "--memory-limit", "64Mi,none,128Mi", "--enforce", "simulated"],
      in: directory)
    #expect(listed == reordered)
    #expect(listed.count == 12)
    // Index, file name, settings: by scenario name, then limit ascending with none last, then arena cap.
    #expect(listed.prefix(3) == [
      "0\talpha-glibc-64MiB\talpha under glibc, limit 64MiB",
      "1\talpha-glibc-64MiB-arenas2\talpha under glibc, limit 64MiB, arena-max 2",
      "2\talpha-glibc-128MiB\talpha under glibc, limit 128MiB",
    ])
    #expect(listed[5] == "5\talpha-glibc-none-arenas2\talpha under glibc, limit none, arena-max 2")
    let full = try OomlabProcess.invoke(["matrix", "b.yaml", "a.yaml"] + Self.axes + ["--out", "full"], directory: directory)
    try #require(full.status == 0, "\(full.stdout)\(full.stderr)")
    let summary = try MatrixCommandTests.summary(directory.appendingPathComponent("full"))
    #expect(summary.column("csv") == listed.map { $0.split(separator: "\t")[1] + ".csv" })
  }

  /// `--cell` into a whole matrix's folder would leave a summary.csv of one row: it is refused and the folder
  /// left as it was; into its own folder again (a retried pod) it runs.
  @Test func aCellIsRefusedAFolderHoldingOtherCells() throws {
    let directory = try MatrixCommandTests.folder(Self.files)
    defer { try? FileManager.default.removeItem(at: directory) }
    let arguments = ["matrix", "a.yaml", "b.yaml"] + Self.axes
    let full = try OomlabProcess.invoke(arguments + ["--out", "full"], directory: directory)
    try #require(full.status == 0, "\(full.stdout)\(full.stderr)")
    let before = FileManager.default.contents(atPath: directory.appendingPathComponent("full/summary.csv").path)
    let into = try OomlabProcess.invoke(arguments + ["--cell", "3", "--out", "full"], directory: directory)
    #expect(into.status == ExitStatus.badInput.rawValue, "\(into.stdout)\(into.stderr)")
    #expect(into.stderr.contains("--out \"full\" holds the summary of other cells"), "\(into.stderr)")
    #expect(FileManager.default.contents(atPath: directory.appendingPathComponent("full/summary.csv").path) == before)
    for _ in 0..<2 {
      let again = try OomlabProcess.invoke(arguments + ["--cell", "3", "--out", "one"], directory: directory)
      #expect(again.status == ExitStatus.matched.rawValue, "\(again.stdout)\(again.stderr)")
    }
  }

  @Test func aCellAloneWritesWhatTheFullMatrixWritesForIt() throws {
    let directory = try MatrixCommandTests.folder(Self.files)
    defer { try? FileManager.default.removeItem(at: directory) }
    let full = try OomlabProcess.invoke(["matrix", "a.yaml", "b.yaml"] + Self.axes + ["--out", "full"], directory: directory)
    try #require(full.status == 0, "\(full.stdout)\(full.stderr)")
    let fullSummary = try MatrixCommandTests.summary(directory.appendingPathComponent("full"))
    let settings = MatrixSummary.header.firstIndex(of: "outcome")!
    for k in [0, 7, 11] {
      let out = "cell\(k)"
      let one = try OomlabProcess.invoke(["matrix", "a.yaml", "b.yaml"] + Self.axes + ["--cell", "\(k)", "--out", out], directory: directory)
      try #require(one.status == 0, "\(one.stdout)\(one.stderr)")
      let summary = try MatrixCommandTests.summary(directory.appendingPathComponent(out))
      try #require(summary.rows.count == 1)
      let row = summary.rows[0]
      let expected = fullSummary.rows[k]
      // Settings, outcome and file name alike; the run's own figures differ from run to run.
      #expect(row[..<(settings + 1)] == expected[..<(settings + 1)])
      #expect(row.last == expected.last)
      let files = try FileManager.default.contentsOfDirectory(atPath: directory.appendingPathComponent(out).path).sorted()
      let csv = try #require(row.last)
      #expect(files == [csv, csv.replacingOccurrences(of: ".csv", with: ".json"), "summary.csv"].sorted())
      let report = try MatrixCommandTests.report(directory.appendingPathComponent(out), csv)
      let fullReport = try MatrixCommandTests.report(directory.appendingPathComponent("full"), csv)
      #expect(report.limitBytes == fullReport.limitBytes && report.tuning == fullReport.tuning && report.outcome == fullReport.outcome)
    }
  }

  @Test func aLimitsCellsAreCountedFromZero() throws {
    let directory = try MatrixCommandTests.folder(Self.files)
    defer { try? FileManager.default.removeItem(at: directory) }
    let listed = try Self.list(["a.yaml", "b.yaml"] + Self.axes, in: directory)
    let of128 = listed.filter { $0.contains("-128MiB") }.map { String($0.split(separator: "\t")[1]) }
    for (k, base) in of128.enumerated() {
      let out = "c\(k)"
      let result = try OomlabProcess.invoke(
        ["matrix", "a.yaml", "b.yaml"] + Self.axes + ["--cell", "\(k)", "--cell-limit", "128Mi", "--out", out], directory: directory)
      try #require(result.status == 0, "\(result.stdout)\(result.stderr)")
      #expect(try MatrixCommandTests.summary(directory.appendingPathComponent(out)).column("csv") == [base + ".csv"])
    }
  }

  @Test(arguments: [
    (["--cell", "12"], "--cell expects an index from 0 to 11, as the matrix has 12 cells, got \"12\""),
    (["--cell", "-1"], "got \"-1\""),
    (["--cell", "x"], "got \"x\""),
    (["--cell", "4", "--cell-limit", "64Mi"], "as the matrix has 4 cells with memory limit 64Mi, got \"4\""),
    (["--cell", "0", "--cell-limit", "32Mi"], "--cell-limit 32Mi: no cell has that memory limit; the cells' limits are 64MiB, 128MiB, none"),
    (["--cell", "0", "--cell-limit", "lots"], "--cell-limit expects"),
    (["--cell-limit", "64Mi"], "--cell-limit goes with --cell"),
    (["--framed"], "--framed goes with --cell"),
    (["--cell", "0", "--list-cells"], "do not go together"),
  ])
  func aCellThatIsNotThereIsBadUsage(arguments: [String], message: String) throws {
    let directory = try MatrixCommandTests.folder(Self.files)
    defer { try? FileManager.default.removeItem(at: directory) }
    let result = try OomlabProcess.invoke(["matrix", "a.yaml", "b.yaml"] + Self.axes + arguments + ["--out", "out"], directory: directory)
    #expect(result.status == ExitStatus.badInput.rawValue, "\(result.stdout)\(result.stderr)")
    #expect(result.stderr.contains(message), "\(result.stderr)")
    #expect(!FileManager.default.fileExists(atPath: directory.appendingPathComponent("out").path))
  }

  /// A summary.csv that cannot be written (here a folder in its place; in a pod, a read-only results folder) is
  /// refused in words with the errno, not as a Foundation error domain.
  @Test func aSummaryThatCannotBeWrittenIsRefusedInWords() throws {
    let directory = try MatrixCommandTests.folder(Self.files)
    defer { try? FileManager.default.removeItem(at: directory) }
    try FileManager.default.createDirectory(
      at: directory.appendingPathComponent("out/summary.csv"), withIntermediateDirectories: true)
    let result = try OomlabProcess.invoke(["matrix", "a.yaml", "--enforce", "simulated", "--cell", "0", "--out", "out"], directory: directory)
    #expect(result.status == ExitStatus.environment.rawValue, "\(result.stdout)\(result.stderr)")
    #expect(result.stderr.contains("out/summary.csv: Is a directory (EISDIR)"), "\(result.stderr)")
    #expect(!result.stderr.contains("NSCocoaErrorDomain"), "\(result.stderr)")
  }
}
