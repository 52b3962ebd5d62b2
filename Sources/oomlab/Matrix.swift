import ArgumentParser
import Foundation
import OomlabKit

struct Matrix: ParsableCommand {
  static let configuration = CommandConfiguration(
    abstract: "Run every scenario under every allocator and limit, and compare the runs in summary.csv.")

  @Argument(help: "Scenario files.")
  var scenarios: [String]

  @Option(help: "Comma-separated allocators, like glibc,jemalloc (default: each scenario's own).")
  var allocator: String?

  @Option(name: .customLong("memory-limit"), help: "Comma-separated limits, like 256MiB,512MiB,none (default: each scenario's own).")
  var memoryLimits: String?

  @Option(help: "Folder for each run's CSV and JSON summary and the combined summary.csv.")
  var out: String

  @Option(name: .customLong("interval"), help: "Sampling interval for every run, like 50ms.")
  var interval: String?

  @Option(help: "jemalloc's MALLOC_CONF for runs under jemalloc.")
  var mallocConf: String?

  func run() throws {
    let loaded = try scenarios.map(loadScenario)
    let allocators: [String?] = allocator.map { $0.split(separator: ",").map(String.init) } ?? [nil]
    let limits: [String?] = memoryLimits.map { $0.split(separator: ",").map(String.init) } ?? [nil]
    try FileManager.default.createDirectory(atPath: out, withIntermediateDirectories: true)
    // Refuse bad combinations before the first run starts, so a matrix never stops half-way on input.
    var plans: [(Scenario, RunOptions, String, String)] = []
    for scenario in loaded {
      for allocator in allocators {
        for limit in limits {
          let allocatorName = allocator ?? scenario.allocator ?? "glibc"
          let limitName = limit ?? (scenario.limit ?? nil).map { ByteSize.format($0).replacingOccurrences(of: " ", with: "") } ?? "none"
          let base = "\(scenario.name)-\(AllocatorChoice(allocatorName))-\(limitName)"
          var request = RunRequest(csvPath: (out as NSString).appendingPathComponent(base + ".csv"))
          request.summaryPath = (out as NSString).appendingPathComponent(base + ".json")
          request.allocator = allocator
          request.memoryLimit = limit
          request.interval = interval.flatMap(DurationValue.parseNanoseconds)
          request.mallocConf = AllocatorChoice(allocatorName) == .jemalloc ? mallocConf : nil
          plans.append((scenario, try resolve(scenario, request), allocatorName, limitName))
        }
      }
    }
    var rows: [[String]] = []
    let header = [
      "scenario", "allocator", "limit", "outcome", "expected", "duration_seconds", "peak_rss_bytes", "final_rss_bytes",
      "peak_frag_ratio", "csv",
    ]
    for (scenario, options, allocatorName, limitName) in plans {
      let report: RunReport
      do {
        report = try Supervisor.run(options).0
      } catch {
        printError("\(scenario.name) under \(allocatorName), limit \(limitName): \(error)")
        throw ExitCode(ExitStatus.environment.rawValue)
      }
      let peaks = report.processes.map(\.peaks)
      rows.append([
        scenario.name, AllocatorChoice(allocatorName).description, limitName, report.outcome, report.expected ?? "",
        String(format: "%.3f", report.durationSeconds), "\(peaks.map(\.rssBytes).max() ?? 0)",
        "\(peaks.map(\.finalRssBytes).reduce(0, +))",
        peaks.compactMap(\.fragRatio).max().map { String(format: "%.4f", $0) } ?? "",
        (options.csvPath as NSString).lastPathComponent,
      ])
    }
    let csvText = ([header] + rows).map { $0.joined(separator: ",") }.joined(separator: "\n") + "\n"
    try csvText.write(toFile: (out as NSString).appendingPathComponent("summary.csv"), atomically: true, encoding: .utf8)
    print(Self.table(header: header, rows: rows.map { row in
      row.enumerated().map { i, cell in
        (header[i].hasSuffix("_bytes") ? UInt64(cell).map(ByteSize.format) : nil) ?? cell
      }
    }))
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
