import Foundation

/// A matrix's summary.csv: one row per process of each cell, each figure taken the same way in every row.
///
/// A row's `peak_rss_bytes` is the highest RSS sampled of its process and `final_rss_bytes` that process's
/// RSS at its last sample, so final never exceeds peak; a cell of several processes has a row for each,
/// told apart by `process`. `outcome` is the cell's, `process_outcome` the process's own.
package enum MatrixSummary {
  /// The columns, in order.
  package static let header = [
    "scenario", "allocator", "limit", "heap_limit", "arena_max", "malloc_conf", "process", "outcome",
    "process_outcome", "expected", "matched", "duration_seconds", "peak_rss_bytes", "final_rss_bytes",
    "peak_frag_ratio", "csv",
  ]

  /// The columns whose cells are byte counts, which the printed table writes in binary units.
  package static let byteColumns: Set<String> = ["peak_rss_bytes", "final_rss_bytes"]

  /// The cell's settings, the first columns of each of its rows.
  static func settings(_ cell: MatrixCell) -> [String] {
    [
      cell.scenario.name, cell.allocatorSpelling, cell.limitName, cell.heapLimitName,
      cell.arenaMax.map { "\($0)" } ?? "", cell.mallocConf ?? "",
    ]
  }

  /// The rows of a cell that ran: one per process, in the scenario's order.
  package static func rows(_ cell: MatrixCell, report: RunReport) -> [[String]] {
    report.processes.map { process in
      let peaks = process.peaks
      return settings(cell) + [
        process.name, report.outcome.description, process.outcome.description, report.expected?.rawValue ?? "", report.matched ? "true" : "false",
        String(format: "%.3f", report.durationSeconds), "\(peaks.rssBytes)", "\(peaks.finalRssBytes)",
        peaks.fragRatio.map { String(format: "%.4f", $0) } ?? "", cell.base + ".csv",
      ]
    }
  }

  /// The row of a cell that could not run: its settings and outcome `failed`, no figures, and in `csv` the
  /// name its CSV would have had, which is the cell's identity (`collect` matches a retry of it by that).
  package static func failedRow(_ cell: MatrixCell) -> [String] {
    settings(cell) + ["", "failed", "", cell.scenario.expect?.rawValue ?? "", "false", "", "", "", "", cell.base + ".csv"]
  }

  /// The file's text: the header and the rows, quoted where a value holds a comma (a MALLOC_CONF does).
  package static func text(_ rows: [[String]]) -> String {
    ([header] + rows).map(CSVLine.join).joined(separator: "\n") + "\n"
  }
}
