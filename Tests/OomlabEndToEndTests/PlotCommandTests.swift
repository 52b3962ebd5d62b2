import Foundation
import Glibc
import Testing

@testable import OomlabKit
import OomlabTestSupport

/// Why charts cannot be drawn here, or nil when some python3 `oomlab plot` would try has matplotlib 3.6 or later.
let matplotlibUnavailable: String? = {
  let check = """
    import sys, matplotlib
    sys.exit(0 if tuple(int(p) for p in matplotlib.__version__.split(".")[:2]) >= (3, 6) else 1)
    """
  for python in Plotter().candidates() {
    let process = Process()
    process.executableURL = URL(fileURLWithPath: python)
    process.arguments = ["-c", check]
    process.standardOutput = FileHandle.nullDevice
    process.standardError = FileHandle.nullDevice
    guard (try? process.run()) != nil else { continue }
    process.waitUntilExit()
    if process.terminationStatus == 0 { return nil }
  }
  return "no python3 here has matplotlib 3.6 or later (apt-get install python3-matplotlib, or scripts/test.sh as root)"
}()

/// `oomlab plot` draws real runs as PNG and SVG, and refuses bad input before writing anything.
@Suite struct PlotCommandTests {
  /// Runs `scenario` (a file, or YAML text) in a new folder with NAME.csv and NAME.json beside each other, as
  /// `oomlab matrix` names them; the caller removes the folder.
  static func record(file: URL? = nil, yaml: String? = nil, name: String) throws -> (URL, RunReport) {
    let directory = try OomlabProcess.temporaryDirectory()
    let scenario = directory.appendingPathComponent("\(name).yaml")
    try (try yaml ?? String(contentsOf: file!, encoding: .utf8)).write(to: scenario, atomically: true, encoding: .utf8)
    let result = try OomlabProcess.invoke(
      ["run", scenario.path, "--csv", "\(name).csv", "--summary", "\(name).json"], directory: directory)
    #expect([0, 1].contains(result.status), "\(result.stdout)\(result.stderr)")
    let report = try RunReport.decode(Data(contentsOf: directory.appendingPathComponent("\(name).json")))
    return (directory, report)
  }

  /// Draws `kind` of `input` to a PNG of a size other than the default, checks it, and to an SVG; returns the
  /// SVG's texts.
  static func draw(_ input: String, kind: String, in directory: URL, extra: [String] = []) throws -> [String] {
    let png = try OomlabProcess.invoke(
      ["plot", input, "--kind", kind, "-o", "\(kind).png", "--size", "1100x760"] + extra, directory: directory)
    #expect(png.status == 0, "\(png.stdout)\(png.stderr)")
    #expect(png.stdout == "\(kind).png\n")
    let bytes = [UInt8](try Data(contentsOf: directory.appendingPathComponent("\(kind).png")))
    let image = try #require(PNGImage(bytes), "\(kind).png is not a whole PNG")
    #expect(image.width == 1100 && image.height == 760, "\(kind).png is \(image.width)x\(image.height)")
    let svg = try OomlabProcess.invoke(["plot", input, "--kind", kind, "-o", "\(kind).svg"] + extra, directory: directory)
    #expect(svg.status == 0, "\(svg.stdout)\(svg.stderr)")
    let text = try String(contentsOf: directory.appendingPathComponent("\(kind).svg"), encoding: .utf8)
    #expect(text.hasPrefix("<?xml") && text.hasSuffix("</svg>\n"))
    return SVGText.texts(in: text)
  }

  /// The names in `directory`, sorted.
  static func listing(_ directory: URL) -> [String] {
    ((try? FileManager.default.contentsOfDirectory(atPath: directory.path)) ?? []).sorted()
  }

  @Test(
    .enabled(if: matplotlibUnavailable == nil, "\(matplotlibUnavailable ?? "")"),
    .enabled(if: cgroupUnavailable == nil, "\(cgroupUnavailable ?? "")"))
  func aKilledRunIsDrawnWithItsLimitStepsAndTheKernelsLine() throws {
    let (directory, report) = try Self.record(
      file: repositoryRoot().appendingPathComponent("Scenarios/container-oom-kill.yaml"), name: "kill")
    defer { try? FileManager.default.removeItem(at: directory) }
    try #require(report.outcome == .oomKill, "the run was not killed: \(report.outcome)")
    let worker = try #require(report.processes.first)
    let kernel = try #require(worker.kernelReport)

    let timeline = try Self.draw("kill.csv", kind: "timeline", in: directory)
    #expect(timeline.contains { $0.hasPrefix("oom-kill of worker at ") }, "\(timeline)")
    #expect(timeline.contains("limit 128 MiB"), "\(timeline)")
    #expect(timeline.contains("buffers"), "the step's name: \(timeline)")
    // The kernel's own line, wrapped over lines of the footer.
    let footer = timeline.joined(separator: " ").replacingOccurrences(of: "\n    ", with: " ")
    #expect(footer.contains(String(kernel.prefix(60))), "\(kernel) not in \(footer)")
    // Only a heap that held something has its limit drawn.
    #expect(!timeline.contains { $0.hasPrefix("heap limit") }, "\(timeline)")

    let allocator = try Self.draw("kill.csv", kind: "allocator", in: directory)
    #expect(allocator.contains { $0.hasPrefix("oom-kill at ") }, "\(allocator)")
    #expect(allocator.contains { $0.contains("limit 128 MiB") }, "\(allocator)")
    #expect(allocator.contains("buffers"))
    #expect(allocator.contains("frag_ratio = resident / allocated"))
    // The start row, before any step, holds well under the ratio's floor.
    #expect(allocator.contains("allocated < 5 MiB: ratio not meaningful"), "\(allocator)")

    let processes = try Self.draw("kill.csv", kind: "processes", in: directory)
    #expect(processes.contains { $0.hasPrefix("victim worker (pid \(worker.pid)): oom-kill at ") }, "\(processes)")
    #expect(processes.contains { $0.contains("limit 128 MiB") })
  }

  @Test(.enabled(if: matplotlibUnavailable == nil, "\(matplotlibUnavailable ?? "")"))
  func aRunOfTwoProcessesIsDrawnOneLineEach() throws {
    let (directory, report) = try Self.record(
      yaml: """
        name: two-services
        about: two processes and no limit, so it runs anywhere
        sample: 20ms
        processes:
          - name: web
            steps:
              - buffers: { count: 8, size: 2MiB, touch: all, every: 10ms }
              - hold: 200ms
          - name: cache
            steps:
              - native: { count: 30, size: 100KiB, every: 10ms }
              - hold: 300ms
        """, name: "two")
    defer { try? FileManager.default.removeItem(at: directory) }
    let pids = Dictionary(uniqueKeysWithValues: report.processes.map { ($0.name, $0.pid) })
    let web = try #require(pids["web"])
    let cache = try #require(pids["cache"])

    let processes = try Self.draw("two.csv", kind: "processes", in: directory)
    #expect(processes.contains("web (pid \(web))"), "\(processes)")
    #expect(processes.contains("cache (pid \(cache))"), "\(processes)")
    #expect(processes.contains("two-services: completed"), "the outcome: \(processes)")
    #expect(processes.contains { $0.contains("limit none") }, "\(processes)")
    for step in ["buffers", "native", "hold"] { #expect(processes.contains(step), "\(step) in \(processes)") }

    let timeline = try Self.draw("two.csv", kind: "timeline", in: directory)
    #expect(timeline.contains { $0.hasPrefix("What the kernel sees (2 processes summed)") }, "\(timeline)")
    #expect(timeline.contains("live buffers") && timeline.contains("live native"), "\(timeline)")
  }

  @Test(
    .enabled(if: matplotlibUnavailable == nil, "\(matplotlibUnavailable ?? "")"),
    .enabled(if: cgroupUnavailable == nil, "\(cgroupUnavailable ?? "")"))
  func theVictimOfSeveralProcessesIsMarked() throws {
    let (directory, report) = try Self.record(
      file: repositoryRoot().appendingPathComponent("Scenarios/victim-app-volunteered.yaml"), name: "victim")
    defer { try? FileManager.default.removeItem(at: directory) }
    try #require(report.victim == "app", "the app was not the victim: \(report.text)")
    let app = try #require(report.processes.first { $0.name == "app" })
    let processes = try Self.draw("victim.csv", kind: "processes", in: directory)
    #expect(processes.contains { $0.hasPrefix("victim app (pid \(app.pid)): oom-kill at ") }, "\(processes)")
    #expect(processes.contains("app (pid \(app.pid)), the victim"), "\(processes)")
    #expect(processes.contains { $0.contains("limit 256 MiB") })
    #expect(processes.contains { $0.hasPrefix("Badness inside the cgroup") }, "\(processes)")
  }

  @Test(
    .enabled(if: matplotlibUnavailable == nil, "\(matplotlibUnavailable ?? "")"),
    .enabled(if: jemallocPath != nil, "jemalloc is not installed (apt-get install libjemalloc-dev)"))
  func aMatrixOfTwoAllocatorsIsDrawnCellByCell() throws {
    let directory = try OomlabProcess.temporaryDirectory()
    defer { try? FileManager.default.removeItem(at: directory) }
    try """
    name: frag
    about: small blocks, most freed
    sample: 20ms
    steps:
      - native: { count: 20000, size: 1KiB, as: small }
      - free: { what: small, fraction: 0.9, pattern: random, seed: 3 }
      - hold: 100ms
    """.write(to: directory.appendingPathComponent("frag.yaml"), atomically: true, encoding: .utf8)
    let matrix = try OomlabProcess.invoke(
      ["matrix", "frag.yaml", "--allocator", "glibc,jemalloc", "--out", "m"], directory: directory)
    try #require(matrix.status == 0, "\(matrix.stdout)\(matrix.stderr)")

    // A folder is drawn as a matrix by default, into the folder.
    let png = try OomlabProcess.invoke(["plot", "m"], directory: directory)
    #expect(png.status == 0, "\(png.stdout)\(png.stderr)")
    #expect(png.stdout == "m/matrix.png\n")
    let image = try #require(PNGImage([UInt8](try Data(contentsOf: directory.appendingPathComponent("m/matrix.png")))))
    #expect(image.width == PlotSize.standard.width && image.height == PlotSize.standard.height)

    let texts = try Self.draw("m", kind: "matrix", in: directory)
    #expect(texts.contains("glibc · limit none"), "\(texts)")
    #expect(texts.contains("jemalloc · limit none"), "\(texts)")
    #expect(texts.filter { $0 == "completed" }.count == 2, "one outcome badge per cell: \(texts)")
    #expect(texts.contains("peak RSS") && texts.contains("final live bytes"), "\(texts)")
    #expect(texts.contains("matrix: frag"), "\(texts)")
  }

  /// A process counts once per tick: when the last step ends in the millisecond the run does, its step_end and
  /// end rows share a t_seconds, and the matrix's peak RSS bar is the process's peak, not the two rows' sum.
  @Test(.enabled(if: matplotlibUnavailable == nil, "\(matplotlibUnavailable ?? "")"))
  func rowsOfOneProcessAtOneTimeAreNotAddedUp() throws {
    let directory = try OomlabProcess.temporaryDirectory()
    defer { try? FileManager.default.removeItem(at: directory) }
    try "name: grow\nabout: g\nsample: 1s\nsteps:\n  - buffers: { count: 3, size: 10MiB }\n".write(
      to: directory.appendingPathComponent("grow.yaml"), atomically: true, encoding: .utf8)
    let matrix = try OomlabProcess.invoke(["matrix", "grow.yaml", "--out", "m"], directory: directory)
    try #require(matrix.status == 0, "\(matrix.stdout)\(matrix.stderr)")
    let summary = CSVTable(try String(contentsOf: directory.appendingPathComponent("m/summary.csv"), encoding: .utf8))
    let peak = try #require(summary.column("peak_rss_bytes").first.flatMap(Double.init))
    // Whether the two rows land in one millisecond is chance; make it so, as it often is.
    let file = directory.appendingPathComponent("m/" + (try #require(summary.column("csv").first)))
    let table = CSVTable(try String(contentsOf: file, encoding: .utf8))
    let (t, kind) = (try #require(table.header.firstIndex(of: "t_seconds")), try #require(table.header.firstIndex(of: "row")))
    let stepEnd = try #require(table.rows.last { $0[kind] == "step_end" })
    let rows = table.rows.map { row in row[kind] == "end" ? [stepEnd[t]] + row.dropFirst() : row }
    #expect(t == 0 && rows.contains { $0[kind] == "end" })
    try (([table.header] + rows).map(CSVLine.join).joined(separator: "\n") + "\n").write(to: file, atomically: true, encoding: .utf8)

    let texts = try Self.draw("m", kind: "matrix", in: directory)
    let units: [String: Double] = ["KiB": 1024, "MiB": 1024 * 1024, "GiB": 1024 * 1024 * 1024]
    let labels = texts.compactMap { text -> Double? in
      let words = text.split(separator: " ")
      guard words.count == 2, let value = Double(words[0]), let unit = units[String(words[1])] else { return nil }
      return value * unit
    }
    // Four bar labels: peak and final RSS and live bytes; RSS at its peak within 10% of the summary's.
    #expect(labels.count == 4, "\(texts)")
    #expect(labels.allSatisfy { $0 <= peak * 1.1 }, "bars \(labels) against a peak RSS of \(peak) bytes")
    #expect((labels.max() ?? 0) >= peak * 0.9, "bars \(labels) against a peak RSS of \(peak) bytes")
  }

  /// A CSV that lacks columns (an older run, or `exec` of a program that publishes nothing) or has new ones is
  /// still drawn; a `step_name` column names the steps.
  @Test(.enabled(if: matplotlibUnavailable == nil, "\(matplotlibUnavailable ?? "")"))
  func columnsThatAreAbsentEmptyOrNewAreTolerated() throws {
    let (directory, _) = try Self.record(
      yaml: "name: s\nabout: a\nsample: 20ms\nsteps:\n  - buffers: { count: 8, size: 1MiB, every: 20ms, as: sessions }\n  - hold: 100ms\n",
      name: "full")
    defer { try? FileManager.default.removeItem(at: directory) }
    let table = CSVTable(try String(contentsOf: directory.appendingPathComponent("full.csv"), encoding: .utf8))
    let dropped = Set(table.header.filter { $0.hasPrefix("cgroup_") || $0.hasPrefix("allocator") || $0.hasPrefix("heap_") })
    let kept = table.header.indices.filter { !dropped.contains(table.header[$0]) }
    let step = try #require(table.header.firstIndex(of: "step"))
    var lines = [(kept.map { table.header[$0] } + ["ppid", "array_buffers_bytes", "step_name"]).joined(separator: ",")]
    for row in table.rows {
      lines.append((kept.map { row[$0] } + ["1", "", row[step] == "buffers" ? "sessions" : ""]).joined(separator: ","))
    }
    try (lines.joined(separator: "\n") + "\n").write(
      to: directory.appendingPathComponent("reduced.csv"), atomically: true, encoding: .utf8)
    // No reduced.json beside it: the chart says the outcome is unknown rather than failing.
    let timeline = try Self.draw("reduced.csv", kind: "timeline", in: directory)
    #expect(timeline.contains("buffers: sessions"), "\(timeline)")
    #expect(timeline.contains { $0.contains("no JSON summary found") }, "\(timeline)")
    let processes = try Self.draw("reduced.csv", kind: "processes", in: directory)
    #expect(processes.contains { $0.hasPrefix("Badness (oom_score, whole machine)") }, "\(processes)")
  }

  /// Every refusal happens before the plotting program runs, so these hold with or without matplotlib.
  @Test(arguments: [
    (["missing.csv"], "\"missing.csv\": no such file or folder"),
    (["bad.csv"], "bad.csv:1: not an oomlab CSV: its header lacks t_seconds, process, rss_bytes"),
    (["header.csv"], "header.csv: the CSV has a header and no rows"),
    (["empty.csv"], "empty.csv: the file is empty"),
    (["run.csv", "--kind", "pie"], "'pie' is invalid for '--kind"),
    (["run.csv", "--kind", "matrix"], "--kind matrix draws a matrix folder"),
    (["folder", "--kind", "timeline"], "\"folder\" is not a matrix folder: it has no summary.csv"),
    (["run.csv", "-o", "link.png"], "-o \"link.png\" is a symbolic link"),
    (["run.csv", "-o", "run.csv"], "-o \"run.csv\" is the same file as the CSV \"run.csv\""),
    (["run.csv", "-o", "run.json"], "-o \"run.json\" is the same file as the summary \"run.json\""),
    (["run.csv", "--summary", "copy.svg", "-o", "copy.svg"], "-o \"copy.svg\" is the same file as the summary"),
    (["run.csv", "-o", "run.jpg"], "-o \"run.jpg\": name a file ending in .png or .svg"),
    (["run.csv", "-o", "folder"], "-o \"folder\" is a directory"),
    (["run.csv", "--summary", "other.json"], "other.json: not a JSON summary of `oomlab run --summary`: no \"scenario\" field"),
    (["run.csv", "--size", "10x10"], "--size expects WIDTHxHEIGHT"),
    (["folder", "--summary", "run.json"], "--summary names one run's JSON"),
  ])
  func badInputIsRefusedAndNothingIsWritten(arguments: [String], message: String) throws {
    let (directory, _) = try Self.record(yaml: "name: q\nabout: q\nsample: 10ms\nsteps:\n  - hold: 20ms\n", name: "run")
    defer { try? FileManager.default.removeItem(at: directory) }
    let file = { (name: String) in directory.appendingPathComponent(name) }
    try "a,b\n1,2\n".write(to: file("bad.csv"), atomically: true, encoding: .utf8)
    try (CSVSchema.header + "\n").write(to: file("header.csv"), atomically: true, encoding: .utf8)
    try "".write(to: file("empty.csv"), atomically: true, encoding: .utf8)
    try "{\"outcome\": \"completed\"}".write(to: file("other.json"), atomically: true, encoding: .utf8)
    try FileManager.default.copyItem(at: file("run.json"), to: file("copy.svg"))
    try FileManager.default.createDirectory(at: file("folder"), withIntermediateDirectories: false)
    #expect(symlink("target.png", file("link.png").path) == 0)
    let before = Self.listing(directory)
    let csv = try Data(contentsOf: file("run.csv"))
    let json = try Data(contentsOf: file("run.json"))

    let result = try OomlabProcess.invoke(["plot"] + arguments, directory: directory)
    #expect(result.status == ExitStatus.badInput.rawValue, "\(result.stdout)\(result.stderr)")
    #expect(result.stderr.contains(message), "\(result.stderr)")
    #expect(result.stdout.isEmpty)
    #expect(Self.listing(directory) == before, "something was written")
    #expect(Self.listing(file("folder")).isEmpty)
    #expect(try Data(contentsOf: file("run.csv")) == csv && Data(contentsOf: file("run.json")) == json)
  }

  /// Without matplotlib the command says how to install it, exits 3 and writes nothing: a python3 without it
  /// (a bare virtual environment), and no python3 at all.
  @Test func withoutMatplotlibItSaysHowToInstallIt() throws {
    let (directory, _) = try Self.record(yaml: "name: q\nabout: q\nsample: 10ms\nsteps:\n  - hold: 20ms\n", name: "run")
    defer { try? FileManager.default.removeItem(at: directory) }
    var pythons = ["/nonexistent/python3"]
    if let python = Plotter().candidates().first {
      let venv = Process()
      venv.executableURL = URL(fileURLWithPath: python)
      venv.arguments = ["-m", "venv", "--without-pip", directory.appendingPathComponent("venv").path]
      venv.standardError = FileHandle.nullDevice
      try venv.run()
      venv.waitUntilExit()
      if venv.terminationStatus == 0 { pythons.append(directory.appendingPathComponent("venv/bin/python3").path) }
    }
    let before = Self.listing(directory)
    for python in pythons {
      let result = try OomlabProcess.invoke(
        ["plot", "run.csv", "-o", "run.png"], directory: directory, environment: ["OOMLAB_PYTHON": python])
      #expect(result.status == ExitStatus.environment.rawValue, "\(python): \(result.stdout)\(result.stderr)")
      #expect(result.stderr.contains("apt-get install python3-matplotlib"), "\(result.stderr)")
      #expect(result.stderr.contains("python3 -m pip install 'matplotlib>=3.6'"), "\(result.stderr)")
      #expect(result.stderr.contains(python), "names the interpreter it tried: \(result.stderr)")
      #expect(Self.listing(directory) == before, "something was written")
    }
  }

  /// The program travels inside the binary: a copy alone in a folder of its own, run outside the repository,
  /// still draws.
  @Test(.enabled(if: matplotlibUnavailable == nil, "\(matplotlibUnavailable ?? "")"))
  func aCopiedBinaryDrawsOnItsOwn() throws {
    let (directory, _) = try Self.record(
      yaml: "name: q\nabout: q\nsample: 10ms\nsteps:\n  - buffers: { count: 2, size: 1MiB }\n  - hold: 30ms\n",
      name: "run")
    defer { try? FileManager.default.removeItem(at: directory) }
    let alone = directory.appendingPathComponent("bin")
    try FileManager.default.createDirectory(at: alone, withIntermediateDirectories: false)
    try FileManager.default.copyItem(atPath: OomlabProcess.binary, toPath: alone.appendingPathComponent("oomlab").path)
    let process = Process()
    process.executableURL = alone.appendingPathComponent("oomlab")
    process.arguments = ["plot", directory.appendingPathComponent("run.csv").path, "-o", "chart.png"]
    process.currentDirectoryURL = alone
    process.standardOutput = FileHandle.nullDevice
    try process.run()
    process.waitUntilExit()
    #expect(process.terminationStatus == 0)
    #expect(PNGImage([UInt8](try Data(contentsOf: alone.appendingPathComponent("chart.png")))) != nil)
  }
}
