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
      """)

  @Argument(help: "Scenario files.")
  var scenarios: [String]

  @Option(help: "Folder for each cell's CSV and JSON summary and the combined summary.csv.")
  var out: String

  @OptionGroup var options: RunArguments<Sweep>

  func run() throws {
    // The same file named twice is one scenario, however it was spelled.
    var seen = Set<String>()
    let paths = scenarios.filter { path in
      var info = stat()
      return seen.insert(stat(path, &info) == 0 ? "\(info.st_dev):\(info.st_ino)" : path).inserted
    }
    let loaded = try paths.map { try ScenarioLoader.load($0) }
    let plan = try MatrixPlan(scenarios: loaded, axes: options.axes())
    // Every cell is resolved before the first runs, so a matrix never stops half-way on bad input.
    var resolved: [(cell: MatrixCell, options: RunOptions)] = []
    for cell in plan.cells {
      let request = cell.request(
        interval: options.intervalNanoseconds, enforce: options.enforce, timeout: options.timeoutNanoseconds)
      resolved.append((cell, try RunOptions.resolve(cell.scenario, request, environment: ProcessInfo.processInfo.environment)))
    }
    for note in plan.notes { printError("note: \(note)") }
    try makeOutputFolder()

    let statusLine = StatusLine(quiet: options.quiet)
    var rows: [[String]] = []
    var status = ExitStatus.matched
    var finished = 0
    for (index, (cell, cellOptions)) in resolved.enumerated() {
      // A Ctrl-C between two cells, or during one, stops the whole matrix; finished cells stay.
      if Supervisor.pendingInterrupt() != nil {
        status = .interrupted
        break
      }
      let report: RunReport
      let cellStatus: ExitStatus
      do {
        var runOptions = cellOptions
        statusLine.cell = (index + 1, resolved.count)
        runOptions.statusLine = statusLine
        try runOptions.record(
          toCSV: (out as NSString).appendingPathComponent(cell.base + ".csv"),
          summary: (out as NSString).appendingPathComponent(cell.base + ".json"))
        let result = try Supervisor.run(runOptions)
        (report, cellStatus) = (result.report, result.status)
      } catch {
        statusLine.clear()
        printError("cell \(index + 1) of \(resolved.count), \(cell.label): \(error)")
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
    try MatrixSummary.text(rows).write(
      toFile: (out as NSString).appendingPathComponent("summary.csv"), atomically: true, encoding: .utf8)
    print(Self.table(rows))
    if status == .interrupted { printError("interrupted: \(finished) of \(resolved.count) cells finished") }
    throw ExitCode(status.rawValue)
  }

  /// Creates `--out` or refuses, with status 2, a path that exists and is not a folder.
  func makeOutputFolder() throws {
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
