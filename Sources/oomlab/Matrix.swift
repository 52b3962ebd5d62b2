import ArgumentParser
import Foundation
import Glibc
import OomlabKit

struct Matrix: ParsableCommand {
  static let configuration = CommandConfiguration(
    abstract: "Run every scenario under every combination of the axes' values, and compare the runs in summary.csv.",
    discussion: """
      Axes: --allocator, --memory-limit, --heap-limit and --arena-max take comma-separated lists; --malloc-conf \
      is repeated, once per value, as a MALLOC_CONF holds commas itself. All are crossed. A cell that gives \
      --arena-max to an allocator other than glibc, --malloc-conf to one other than jemalloc, or a share as \
      --heap-limit under no memory limit is skipped with a note (none is never skipped). summary.csv has one \
      row per process of each cell. Exit status follows `run` over all cells: 0 every cell matched, 1 some cell \
      did not, 2 bad usage or no cell left (nothing ran, nothing written), 3 some cell could not run here, \
      130 interrupted (finished cells are kept).

      Cells are in one order whatever order the scenarios and values are given in: by scenario name, \
      allocator (a library by its path), memory limit (ascending, none last), heap limit (default, sizes, \
      shares), arena cap (none first) and MALLOC_CONF (none first); --list-cells prints them with their index K, from 0, and --cell K \
      runs only that one, writing the same files and summary row as the whole matrix would. \
      --emit kubernetes prints, instead of running, a ConfigMap of the scenarios and one Indexed Job per \
      memory limit whose pods each run one cell with the limit as the pod's (see the README).
      """)

  @Argument(help: "Scenario files.")
  var scenarios: [String]

  @Option(help: "Folder for each cell's CSV and JSON summary and the combined summary.csv (not with --list-cells or --emit).")
  var out: String?

  @OptionGroup var options: RunArguments<Sweep>

  @Flag(help: "Print the cells, one a line: index K, file name and settings; nothing runs.")
  var listCells = false

  // A string, not an Int, so that `-1` and `x` get the same message as an index past the end.
  @Option(
    parsing: .unconditional,
    help: ArgumentHelp("Run only cell K (from 0, as --list-cells numbers them).", valueName: "K"))
  var cell: String?

  @Option(
    help: ArgumentHelp(
      "With --cell: K counts only the cells whose memory limit is LIMIT (a size or none), as each Kubernetes Job holds one limit's cells.",
      valueName: "LIMIT"))
  var cellLimit: String?

  @Flag(help: "With --cell: also print the cell's files to stdout, framed in base64, for `oomlab collect` to cut out of a log.")
  var framed = false

  @Option(help: ArgumentHelp("Print manifests that run the matrix elsewhere instead of running it: kubernetes.", valueName: "KIND"))
  var emit: EmitKind?

  @Option(help: "With --emit: the image holding oomlab.")
  var image = "oomlab:latest"

  @Option(help: "With --emit: the namespace of every object (default: kubectl's current one).")
  var namespace: String?

  @Option(help: "With --emit: the most pods of one Job at once (default: all of its cells).")
  var parallelism: Int?

  @Option(
    help: ArgumentHelp(
      "With --emit: a PersistentVolumeClaim the pods write their files to (default: each pod prints them framed to its log).",
      valueName: "PVC"))
  var volume: String?

  func validate() throws {
    let modes = [listCells ? "--list-cells" : nil, emit != nil ? "--emit" : nil, cell != nil ? "--cell" : nil].compactMap { $0 }
    if modes.count > 1 { throw ValidationError("\(modes.joined(separator: " and ")) do not go together") }
    if (listCells || emit != nil) && out != nil {
      throw ValidationError("--out is for running cells; \(modes[0]) prints to stdout and runs nothing")
    }
    if !listCells && emit == nil && out == nil { throw ValidationError("Missing expected argument '--out <out>'") }
    if cell == nil {
      if cellLimit != nil { throw ValidationError("--cell-limit goes with --cell") }
      if framed { throw ValidationError("--framed goes with --cell") }
    }
    if let cellLimit, LimitSetting(parsing: cellLimit) == nil {
      throw ValidationError("--cell-limit expects \(ByteSize.spellings), or none, got \"\(cellLimit.escapingNonPrintable)\"")
    }
    if emit == nil {
      for (flag, given) in [("--namespace", namespace != nil), ("--parallelism", parallelism != nil), ("--volume", volume != nil)]
      where given {
        throw ValidationError("\(flag) goes with --emit")
      }
    }
    if let parallelism, parallelism < 1 { throw ValidationError("--parallelism expects 1 or more, got \(parallelism)") }
    for (flag, value) in [("--namespace", namespace), ("--volume", volume)] {
      if let value, !Self.isDNSLabel(value) {
        throw ValidationError(
          "\(flag) expects a Kubernetes name (lowercase letters, digits and '-', at most 63), got \"\(value.escapingNonPrintable)\"")
      }
    }
    if image.isEmpty || image.contains(where: { $0 == " " || $0 == "\n" }) {
      throw ValidationError("--image expects an image reference like registry.example/oomlab:0.1.0, got \"\(image.escapingNonPrintable)\"")
    }
  }

  /// Whether `name` is an RFC 1123 label, as Kubernetes names of namespaces and claims must be.
  static func isDNSLabel(_ name: String) -> Bool {
    let allowed = name.unicodeScalars.allSatisfy { ("a"..."z").contains($0) || ("0"..."9").contains($0) || $0 == "-" }
    return !name.isEmpty && name.count <= 63 && allowed && name.first != "-" && name.last != "-"
  }

  func run() throws {
    // The same file named twice is one scenario, however it was spelled.
    var seen = Set<String>()
    let paths = scenarios.filter { path in
      var info = stat()
      return seen.insert(stat(path, &info) == 0 ? "\(info.st_dev):\(info.st_ino)" : path).inserted
    }
    let loaded = try paths.map { try ScenarioLoader.load($0) }
    let plan = try MatrixPlan(scenarios: loaded, axes: options.axes())
    if listCells {
      for note in plan.notes { printError("note: \(note)") }
      for (index, cell) in plan.cells.enumerated() { print("\(index)\t\(cell.base)\t\(cell.label)") }
      return
    }
    if emit != nil {
      for note in plan.notes { printError("note: \(note)") }
      let manifest = manifest(plan, scenarios: loaded)
      let label = "\(KubernetesManifest.matrixLabel)=\(manifest.matrixID)"
      printError("note: matrix \(manifest.matrixID): its objects and pods are labelled \(label)")
      print(try manifest.yaml(), terminator: "")
      return
    }
    let selected = try selection(plan)
    // Every cell that is to run is resolved before the first runs, so a matrix never stops half-way on bad
    // input; what this machine lacks for one cell (an allocator not installed) is that cell's failure alone.
    var resolved: [(index: Int, cell: MatrixCell, options: Result<RunOptions, any Error>)] = []
    for index in selected.sorted() {
      let cell = plan.cells[index]
      let request = cell.request(
        interval: options.intervalNanoseconds, enforce: options.enforce, timeout: options.timeoutNanoseconds,
        oomGroup: options.oomGroup)
      do {
        resolved.append(
          (index, cell, .success(try RunOptions.resolve(cell.scenario, request, environment: ProcessInfo.processInfo.environment))))
      } catch where ExitStatus.of(error) == .environment {
        resolved.append((index, cell, .failure(error)))
      }
    }
    if cell == nil { for note in plan.notes { printError("note: \(note)") } }
    let out = self.out!
    if cell != nil, let only = resolved.first { try refuseOtherCells(out, cell: only.cell.base + ".csv") }
    try makeOutputFolder(out)

    let statusLine = StatusLine(quiet: options.quiet)
    var rows: [[String]] = []
    var status = ExitStatus.matched
    var finished = 0
    for (position, (index, cell, cellOptions)) in resolved.enumerated() {
      // A Ctrl-C between two cells, or during one, stops the whole matrix; finished cells stay.
      if Supervisor.pendingInterrupt() != nil {
        status = .interrupted
        break
      }
      let report: RunReport
      let cellStatus: ExitStatus
      do {
        var runOptions = try cellOptions.get()
        // The cell's place in the whole matrix, also under --cell, where one of several runs.
        statusLine.cell = (index + 1, plan.cells.count)
        runOptions.statusLine = statusLine
        try runOptions.record(
          toCSV: (out as NSString).appendingPathComponent(cell.base + ".csv"),
          summary: (out as NSString).appendingPathComponent(cell.base + ".json"))
        let result = try Supervisor.run(runOptions)
        (report, cellStatus) = (result.report, result.status)
      } catch {
        statusLine.clear()
        let which = self.cell == nil ? "cell \(position + 1) of \(resolved.count)" : "cell \(index)"
        printError("\(which), \(cell.label): \(error)")
        status = .environment
        rows.append(MatrixSummary.failedRow(cell))
        finished += 1
        continue
      }
      if cellStatus == .interrupted {
        status = .interrupted
        break
      }
      status = Self.worse(status, cellStatus)
      rows += MatrixSummary.rows(cell, report: report)
      finished += 1
    }
    statusLine.clear()
    // Whole or absent, never through a symbolic link, and a refusal in words (a pod's read-only results folder).
    try OutputFile.replace(
      (out as NSString).appendingPathComponent("summary.csv"), with: Array(MatrixSummary.text(rows).utf8), flag: "--out")
    print(Self.table(rows))
    if status == .interrupted { printError("interrupted: \(finished) of \(resolved.count) cells finished") }
    if framed, let (index, cell, _) = resolved.first, status != .interrupted {
      var names = ["summary.csv"]
      let outcome = MatrixSummary.header.firstIndex(of: "outcome")!
      if rows.contains(where: { $0.last == cell.base + ".csv" && $0[outcome] != "failed" }) {
        names += [cell.base + ".csv", cell.base + ".json"]
      }
      for name in names {
        guard let data = FileManager.default.contents(atPath: (out as NSString).appendingPathComponent(name)) else { continue }
        print(CellFrames.frame(index: index, count: plan.cells.count, name: name, contents: data), terminator: "")
      }
    }
    throw ExitCode(status.rawValue)
  }

  /// The indices of the cells to run: all, or the one `--cell` (within `--cell-limit`'s cells) names.
  func selection(_ plan: MatrixPlan) throws -> Set<Int> {
    guard let cell else { return Set(plan.cells.indices) }
    var candidates = Array(plan.cells.indices)
    var within: String?
    if let cellLimit, let setting = LimitSetting(parsing: cellLimit) {
      candidates = plan.indices(limit: setting.bytes)
      within = cellLimit
      guard !candidates.isEmpty else {
        throw MatrixUsageError.noCellWithLimit(limit: cellLimit, limits: plan.limits.map { $0.map(ByteSize.compact) ?? "none" })
      }
    }
    guard let k = Int(cell), candidates.indices.contains(k) else {
      throw MatrixUsageError.cellOutOfRange(cell: cell, count: candidates.count, within: within)
    }
    return [candidates[k]]
  }

  /// The manifest of `plan`: the scenario files under keys of their own, each the text that was validated
  /// (a pipe cannot be read twice, and a file may change), and the options the pods repeat.
  func manifest(_ plan: MatrixPlan, scenarios: [Scenario]) -> KubernetesManifest {
    var files: [(key: String, text: String)] = []
    var taken = Set<String>()
    for scenario in scenarios {
      let path = scenario.file
      // ConfigMap keys are file names of [-._a-zA-Z0-9]; two files of one name are numbered.
      let name = String(
        (path as NSString).lastPathComponent.map { ($0.isASCII && ($0.isLetter || $0.isNumber)) || "-._".contains($0) ? $0 : "_" })
      var key = name
      var suffix = 1
      while !taken.insert(key).inserted {
        suffix += 1
        key = "\(suffix)-\(name)"
      }
      files.append((key, scenario.source))
    }
    return KubernetesManifest(
      plan: plan, scenarios: files, options: options.repeated,
      settings: .init(image: image, namespace: namespace, parallelism: parallelism, volume: volume))
  }

  /// Refuses, with status 2, an `--out` whose summary.csv is not one of the cell `csv` alone (a whole
  /// matrix's, another cell's): `--cell` writes a summary of its one cell, which would replace it.
  func refuseOtherCells(_ out: String, cell csv: String) throws {
    let path = (out as NSString).appendingPathComponent("summary.csv")
    guard let data = FileManager.default.contents(atPath: path) else { return }
    let lines = String(decoding: data, as: UTF8.self).split(separator: "\n").map(CSVLine.split)
    let column = MatrixSummary.header.firstIndex(of: "csv")!
    let others = Set(lines.dropFirst().map { $0.count > column ? $0[column] : "" }).subtracting([csv])
    guard lines.first != MatrixSummary.header || !others.isEmpty else { return }
    let held =
      lines.first == MatrixSummary.header
      ? "the summary of other cells (\(String(count: others.count, "cell")))" : "a summary.csv that is not a matrix's"
    printError("--out \"\(out)\" holds \(held); --cell would replace it with its one cell: name another folder")
    throw ExitCode(ExitStatus.badInput.rawValue)
  }

  /// Creates `--out` or refuses, with status 2, a path that exists and is not a folder.
  func makeOutputFolder(_ out: String) throws {
    var isDirectory: ObjCBool = false
    if FileManager.default.fileExists(atPath: out, isDirectory: &isDirectory), !isDirectory.boolValue {
      printError("--out \"\(out)\" exists and is not a folder")
      throw ExitCode(ExitStatus.badInput.rawValue)
    }
    do {
      try FileManager.default.createDirectory(atPath: out, withIntermediateDirectories: true)
    } catch {
      printError("--out \"\(out)\": cannot create the folder: \(SystemError.call("mkdir", errno))")
      throw ExitCode(ExitStatus.environment.rawValue)
    }
  }

  /// The status of a matrix after a cell: an environment failure outranks a mismatch outranks a match.
  static func worse(_ a: ExitStatus, _ b: ExitStatus) -> ExitStatus {
    let order: [ExitStatus] = [.matched, .mismatched, .environment]
    return (order.firstIndex(of: a) ?? 0) >= (order.firstIndex(of: b) ?? 0) ? a : b
  }

  /// The summary as an aligned table for the terminal: byte counts in binary units, and without the columns
  /// no row fills (a tuning no cell has) or that say nothing (`process` when every cell has one worker).
  static func table(_ rows: [[String]]) -> String {
    let header = MatrixSummary.header
    let outcome = header.firstIndex(of: "outcome")!
    let shown = header.indices.filter { i in
      switch header[i] {
      case "matched": return false
      case "process": return rows.contains { !$0[i].isEmpty && $0[i] != "worker" }
      case "process_outcome": return rows.contains { !$0[i].isEmpty && $0[i] != $0[outcome] }
      default: return rows.contains { !$0[i].isEmpty }
      }
    }
    let all = [shown.map { header[$0] }] + rows.map { row in
      shown.map { i in (MatrixSummary.byteColumns.contains(header[i]) ? UInt64(row[i]).map(ByteSize.format) : nil) ?? row[i] }
    }
    let widths = shown.indices.map { i in all.map { $0[i].count }.max() ?? 0 }
    return all.map { row in
      let line = row.enumerated().map { $0.element.padding(toLength: widths[$0.offset], withPad: " ", startingAt: 0) }
        .joined(separator: "  ")
      return String(line.reversed().drop { $0 == " " }.reversed())
    }.joined(separator: "\n")
  }
}

/// What `--emit` prints.
enum EmitKind: String, ExpressibleByArgument, CaseIterable {
  case kubernetes
}
