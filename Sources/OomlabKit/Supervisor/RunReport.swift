import Foundation

/// The result of a run, printed as a summary and written as JSON with `--summary`.
package struct RunReport: Codable {
  /// One worker's end and peaks.
  package struct ProcessReport: Codable {
    package var name: String
    package var pid: Int32
    /// The parent when last seen (exec and attach record a tree of processes).
    package var ppid: Int32?
    package var outcome: Outcome
    package var exitCode: Int32?
    package var signal: String?
    /// Seconds from the start of the run to when the worker was reaped.
    package var endedAtSeconds: Double?
    package var peaks: Peaks
    /// What the worker said about its end (allocation failure, heap out of memory, ...).
    package var message: String?
    /// The kernel's own "Killed process" line for this worker, from /dev/kmsg.
    package var kernelReport: String?
    /// How many `trim` steps the allocator could not perform.
    package var trimUnsupported: UInt64
    /// The last sampled values before the worker died, by CSV column.
    package var lastSample: [String: CSVValue]?
  }

  /// The scenario's name; exec and attach: the command's name.
  package var scenario: String
  /// The scenario file; exec: the program run; attach: the program of the process recorded.
  package var file: String
  /// exec: the command line run; attach: the command line of the process recorded.
  package var command: [String]?
  /// The allocator serving the workers and its tuning.
  package var allocator: String
  /// The preloaded library's path when the allocator is one, since two libraries can share a short name.
  package var allocatorPath: String?
  package var tuning: [String: String]
  /// The memory limit in force, nil for none.
  package var limitBytes: UInt64?
  /// The managed heap's limit; nil for exec and attach, where each Node process reports its own.
  package var heapLimitBytes: UInt64?
  /// How the limit was enforced.
  package var enforcement: Enforcement?
  package var outcome: Outcome
  package var expected: ExpectedOutcome?
  package var matched: Bool
  package var durationSeconds: Double
  package var csv: String
  /// Why the CSV lacks rows, when a write to it failed during the run (the rows it has are whole).
  package var csvIncomplete: String?
  package var intervalSeconds: Double
  package var processes: [ProcessReport]
  /// exec and attach: the highest sum of RSS over the processes sampled at one tick, and when.
  package var treePeakRssBytes: UInt64?
  package var treePeakAtSeconds: Double?
  /// Which worker ended the run abnormally, when one did.
  package var victim: String?
  /// What else the reader must know to trust the run: swap left uncapped, a cgroup that could not be cleaned.
  package var notes: [String] = []
}

extension RunReport {
  /// The JSON summary: snake_case names as in the CSV, so one vocabulary serves both files; sorted, indented.
  package func json() throws -> Data {
    let encoder = JSONEncoder()
    encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
    encoder.keyEncodingStrategy = .convertToSnakeCase
    return try encoder.encode(self)
  }

  /// Reads a JSON summary `json()` wrote.
  package static func decode(_ data: Data) throws -> RunReport {
    let decoder = JSONDecoder()
    decoder.keyDecodingStrategy = .convertFromSnakeCase
    return try decoder.decode(RunReport.self, from: data)
  }

  /// The human summary printed after a run.
  package var text: String {
    let tuningText = tuning.sorted { $0.key < $1.key }.map { "\($0.key)=\($0.value)" }.joined(separator: ", ")
    // One line says the limit and how it is held; the heap's limit only where a heap was used.
    var limitLine = "limit     " + (limitBytes.map { ByteSize.format($0) + (enforcement.map { ", \($0.summary)" } ?? "") } ?? "none")
    if let heapLimitBytes, usedHeap { limitLine += "; heap limit \(ByteSize.format(heapLimitBytes))" }
    var lines: [String] = [
      command.map { "command   \(Self.shellWords($0))" } ?? "scenario  \(scenario) (\(file))",
      "outcome   \(outcome)"
        + (expected.map { matched ? "  (expected \($0.rawValue): match)" : "  (expected \($0.rawValue): MISMATCH)" } ?? ""),
    ]
    for process in processes where process.outcome == .failed {
      lines.append("failed    \(process.name) could not run, so the run proves nothing: \(process.message ?? "no reason given")")
    }
    // exec and attach name an allocator only when one was preloaded.
    if command == nil || !allocator.isEmpty {
      lines.append("allocator \(allocator)" + (allocatorPath.map { " from \($0)" } ?? "") + (tuning.isEmpty ? "" : " (\(tuningText))"))
    }
    lines += [
      limitLine,
      "duration  \(String(format1: durationSeconds)) s, sampled every \(Int(intervalSeconds * 1000)) ms -> "
        + (csv == "-" ? "standard output" : csv),
    ]
    if let treePeakRssBytes {
      lines.append("tree      \(processes.count) process\(processes.count == 1 ? "" : "es"), peak total rss \(ByteSize.format(treePeakRssBytes))"
        + (treePeakAtSeconds.map { " at \(String(format1: $0)) s" } ?? "") + "  [/proc/PID/status, summed per tick]")
    }
    if let csvIncomplete { lines.append("csv       INCOMPLETE: \(csvIncomplete)") }
    lines += notes.map { "note      \($0)" }
    // A tree can hold hundreds of short-lived processes: the text names the largest, the JSON every one.
    let shown = Self.listed
    let listed = processes.count <= shown ? processes : Array(processes.sorted { $0.peaks.rssBytes > $1.peaks.rssBytes }.prefix(shown - 1))
    for process in listed {
      let p = process.peaks
      lines.append("process   \(process.name) (pid \(process.pid)" + (command != nil ? process.ppid.map { ", ppid \($0)" } ?? "" : "")
        + "): \(process.outcome)" + (command != nil ? process.exitCode.map { ", exit status \($0)" } ?? "" : "")
        + (process.endedAtSeconds.map { " at \(String(format1: $0)) s" } ?? ""))
      lines.append("  peak rss \(ByteSize.format(p.rssBytes)) (VmHWM \(ByteSize.format(p.hwmBytes))), peak vms \(ByteSize.format(p.vmsBytes)), threads \(p.threads)  [/proc/PID/status]")
      if command == nil {
        lines.append("  peak live: buffers \(ByteSize.format(p.buffersLiveBytes)), native \(ByteSize.format(p.nativeLiveBytes)), pages \(ByteSize.format(p.pagesTouchedBytes)) touched of \(ByteSize.format(p.pagesReservedBytes)), stacks \(ByteSize.format(p.stacksReservedBytes)) reserved  [worker]")
        if p.heapTotalBytes > 0 || p.externalBytes > 0 {
          lines.append("  peak heap: used \(ByteSize.format(p.heapUsedBytes)), total \(ByteSize.format(p.heapTotalBytes)), external \(ByteSize.format(p.externalBytes)); \(String(count: p.gcCount, "collection"))  [heap]")
        }
      } else if p.heapTotalBytes > 0 {
        lines.append("  peak heap: used \(ByteSize.format(p.heapUsedBytes)), total \(ByteSize.format(p.heapTotalBytes)), external \(ByteSize.format(p.externalBytes)), array buffers \(ByteSize.format(p.arrayBuffersBytes))  [Node's process.memoryUsage()]")
      }
      if let ratio = p.fragRatio {
        // The reading's age is said, not hidden: on a big glibc heap it can be most of a second old.
        let when = p.fragRatioAtSeconds.map { " at \(String(format1: $0)) s" } ?? ""
        let age = p.fragRatioAgeSeconds.map { ", from an allocator reading \(String(format: "%.2f", $0)) s old" } ?? ""
        lines.append("  peak frag_ratio \(String(format: "%.2f", ratio))\(when)\(age) (resident/allocated, rows with \(ByteSize.format(AllocatorStats.ratioFloorBytes)) or more allocated)  [allocator]")
      }
      if process.trimUnsupported > 0 { lines.append("  trim: unsupported by this allocator (\(process.trimUnsupported) step(s) did nothing)") }
      if let message = process.message { lines.append((command == nil ? "  worker said: " : "  said: ") + message) }
      if let kernel = process.kernelReport { lines.append("  kernel: \(kernel)") }
      if let last = process.lastSample {
        let keys =
          command == nil
          ? ["t_seconds", "step", "rss_bytes", "cgroup_usage_bytes", "cgroup_limit_bytes", "oom_score_cgroup"]
          : ["t_seconds", "rss_bytes", "heap_used_bytes", "external_bytes", "node_report_age_seconds", "cgroup_usage_bytes",
            "cgroup_limit_bytes", "oom_score_cgroup"]
        lines.append("  last sample: " + keys.compactMap { key in last[key].flatMap { $0 == .empty ? nil : "\(key)=\($0.csvText)" } }.joined(separator: " "))
      }
    }
    if listed.count < processes.count {
      lines.append("process   ... and \(processes.count - listed.count) more, smaller ones (every process is in the JSON summary)")
    }
    return lines.joined(separator: "\n")
  }

  /// Whether a worker's managed heap held anything: its limit means nothing to a scenario without one.
  var usedHeap: Bool { processes.contains { $0.peaks.heapTotalBytes > 0 || $0.peaks.externalBytes > 0 } }

  /// How many processes the text lists before it summarises the rest.
  static let listed = 12

  /// A command line as a shell would take it back: words with spaces or quotes in single quotes.
  static func shellWords(_ words: [String]) -> String {
    words.map { word in
      let plain = !word.isEmpty && word.allSatisfy { $0.isLetter || $0.isNumber || "-_./=:,+@%".contains($0) }
      return plain ? word : "'" + word.replacingOccurrences(of: "'", with: "'\\''") + "'"
    }.joined(separator: " ")
  }
}
