import ArgumentParser
import Foundation
import Glibc
import OomlabKit

struct Matrix: ParsableCommand {
  static let configuration = CommandConfiguration(
    abstract: "Run every scenario under every allocator and limit, and compare the runs in summary.csv.",
    discussion: """
      Exit status follows `run` over all cells: 0 every cell matched, 1 some cell did not, 2 bad usage \
      (nothing ran, nothing written), 3 some cell could not run here, 130 interrupted (finished cells are kept).
      """)

  @Argument(help: "Scenario files.")
  var scenarios: [String]

  @Option(help: "Comma-separated allocators, like glibc,jemalloc (default: each scenario's own).")
  var allocator: String?

  @Option(
    name: .customLong("memory-limit"), parsing: .unconditional,
    help: "Comma-separated limits, like 256MiB,512MiB,none (default: each scenario's own).")
  var memoryLimits: String?

  @Option(help: "Folder for each run's CSV and JSON summary and the combined summary.csv.")
  var out: String

  @Option(
    name: .customLong("interval"), parsing: .unconditional,
    help: "Sampling interval for every run, from 1ms to 1h, like 50ms (default: each scenario's sample:).")
  var interval: String?

  @Option(help: "jemalloc's MALLOC_CONF for runs under jemalloc.")
  var mallocConf: String?

  /// One run of the matrix, resolved before the first one starts.
  struct Cell {
    let scenario: Scenario
    var options: RunOptions
    /// The cell's file name without its extension, unique in the matrix.
    let base: String
    let allocatorName: String
    let limitName: String
  }

  func validate() throws {
    if let interval, SampleInterval.parse(interval) == nil {
      throw ValidationError("--interval expects \(SampleInterval.range), got \"\(interval.escapingNonPrintable)\"")
    }
    if let allocator { _ = try Self.list("--allocator", allocator) }
    if let memoryLimits {
      for limit in try Self.list("--memory-limit", memoryLimits) where limit != "none" {
        guard case .success = ByteSize.parse(limit) else {
          throw ValidationError("--memory-limit expects sizes like 256MiB or none, got \"\(limit)\"")
        }
      }
    }
  }

  /// The items of a comma-separated option, refusing an empty list or an empty item.
  static func list(_ flag: String, _ text: String) throws -> [String] {
    let items = text.split(separator: ",", omittingEmptySubsequences: false).map {
      $0.trimmingCharacters(in: .whitespaces)
    }
    guard !items.isEmpty, !items.contains(where: \.isEmpty) else {
      throw ValidationError("\(flag) expects a comma-separated list without empty items, got \"\(text)\"")
    }
    return items
  }

  /// The items with later duplicates dropped, two items being the same when `key` says so.
  static func unique<Key: Hashable>(_ items: [String], by key: (String) -> Key) -> [String] {
    var seen = Set<Key>()
    return items.filter { seen.insert(key($0)).inserted }
  }

  func run() throws {
    // The same file named twice is one scenario, however it was spelled.
    let paths = Self.unique(scenarios) { path in
      var info = stat()
      return stat(path, &info) == 0 ? "\(info.st_dev):\(info.st_ino)" : path
    }
    let loaded = try paths.map { try ScenarioLoader.load($0) }
    let allocators: [String?] =
      try allocator.map { Self.unique(try Self.list("--allocator", $0)) { AllocatorChoice($0) == .glibc ? "glibc" : $0 } }
      ?? [nil]
    let limits: [String?] =
      try memoryLimits.map {
        Self.unique(try Self.list("--memory-limit", $0)) { text in
          guard case .success(let bytes) = ByteSize.parse(text) else { return text }
          return "\(bytes)"
        }
      } ?? [nil]
    let cells = try plan(loaded, allocators: allocators, limits: limits)
    if let mallocConf, !cells.contains(where: { $0.options.allocator == .jemalloc }) {
      printError("--malloc-conf \"\(mallocConf)\" is jemalloc's, and no cell of this matrix runs jemalloc")
      throw ExitCode(ExitStatus.badInput.rawValue)
    }
    try makeOutputFolder()

    var rows: [[String]] = []
    var status = ExitStatus.matched
    let header = [
      "scenario", "allocator", "limit", "outcome", "expected", "duration_seconds", "peak_rss_bytes", "final_rss_bytes",
      "peak_frag_ratio", "csv",
    ]
    for (index, cell) in cells.enumerated() {
      // A Ctrl-C between two cells, or during one, stops the whole matrix; finished cells stay.
      if Supervisor.pendingInterrupt() != nil {
        status = .interrupted
        break
      }
      let label = "\(cell.scenario.name) under \(cell.allocatorName), limit \(cell.limitName)"
      let report: RunReport
      let cellStatus: ExitStatus
      do {
        var options = cell.options
        try options.record(
          toCSV: (out as NSString).appendingPathComponent(cell.base + ".csv"),
          summary: (out as NSString).appendingPathComponent(cell.base + ".json"))
        (report, cellStatus) = try Supervisor.run(options)
      } catch {
        printError("cell \(index + 1) of \(cells.count), \(label): \(error)")
        status = .environment
        rows.append([cell.scenario.name, cell.allocatorName, cell.limitName, "failed", cell.scenario.expect?.rawValue ?? "", "", "", "", "", ""])
        continue
      }
      if cellStatus == .interrupted {
        status = .interrupted
        break
      }
      status = Self.worse(status, cellStatus)
      let peaks = report.processes.map(\.peaks)
      rows.append([
        cell.scenario.name, cell.allocatorName, cell.limitName, report.outcome, report.expected ?? "",
        String(format: "%.3f", report.durationSeconds), "\(peaks.map(\.rssBytes).max() ?? 0)",
        "\(peaks.map(\.finalRssBytes).reduce(0, +))",
        peaks.compactMap(\.fragRatio).max().map { String(format: "%.4f", $0) } ?? "",
        cell.base + ".csv",
      ])
    }
    let csvText = ([header] + rows).map { $0.joined(separator: ",") }.joined(separator: "\n") + "\n"
    try csvText.write(toFile: (out as NSString).appendingPathComponent("summary.csv"), atomically: true, encoding: .utf8)
    print(Self.table(header: header, rows: rows.map { row in
      row.enumerated().map { i, cell in
        (header[i].hasSuffix("_bytes") ? UInt64(cell).map(ByteSize.format) : nil) ?? cell
      }
    }))
    if status == .interrupted { printError("interrupted: \(rows.count) of \(cells.count) cells finished") }
    throw ExitCode(status.rawValue)
  }

  /// Resolves every cell before the first one runs, so a matrix never stops half-way on bad input;
  /// cells whose names would collide get a numbered suffix, so no run overwrites another's files.
  func plan(_ loaded: [Scenario], allocators: [String?], limits: [String?]) throws -> [Cell] {
    var cells: [Cell] = []
    var taken = Set<String>()
    for scenario in loaded {
      for allocator in allocators {
        for limit in limits {
          let allocatorName = AllocatorChoice(allocator ?? scenario.allocator ?? "glibc").description
          let limitName =
            limit ?? scenario.limit?.bytes.map { ByteSize.format($0).replacingOccurrences(of: " ", with: "") } ?? "none"
          let stem = "\(scenario.name)-\(allocatorName)-\(limitName)"
          var base = stem
          var suffix = 1
          while !taken.insert(base).inserted {
            suffix += 1
            base = "\(stem)-\(suffix)"
          }
          // The outputs are named after resolving: the folder is made only once every cell is known good.
          var request = RunRequest(csvPath: "-")
          request.allocator = allocator
          request.memoryLimit = limit
          request.interval = interval.flatMap(SampleInterval.parse)
          let choice = AllocatorChoice(allocator ?? scenario.allocator ?? "glibc")
          request.mallocConf = choice == .jemalloc ? mallocConf : nil
          cells.append(
            Cell(scenario: scenario, options: try RunOptions.resolve(scenario, request, environment: ProcessInfo.processInfo.environment), base: base, allocatorName: allocatorName,
              limitName: limitName))
        }
      }
    }
    guard !cells.isEmpty else {
      printError("the matrix has no cells")
      throw ExitCode(ExitStatus.badInput.rawValue)
    }
    return cells
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

  static func table(header: [String], rows: [[String]]) -> String {
    let all = [header] + rows
    let widths = header.indices.map { i in all.map { $0[i].count }.max() ?? 0 }
    return all.map { row in
      row.enumerated().map { $0.element.padding(toLength: widths[$0.offset], withPad: " ", startingAt: 0) }
        .joined(separator: "  ")
    }.joined(separator: "\n")
  }
}
