import Foundation

/// The result of a run, printed as a summary and written as JSON with `--summary`.
public struct RunReport: Codable {
  /// One worker's end and peaks.
  public struct ProcessReport: Codable {
    public var name: String
    public var pid: Int32
    /// The parent when last seen (exec and attach record a tree of processes).
    public var ppid: Int32?
    public var outcome: String
    public var exitCode: Int32?
    public var signal: String?
    /// Seconds from the start of the run to when the worker was reaped.
    public var endedAtSeconds: Double?
    public var peaks: Peaks
    /// What the worker said about its end (allocation failure, heap out of memory, ...).
    public var message: String?
    /// The kernel's own "Killed process" line for this worker, from /dev/kmsg.
    public var kernelReport: String?
    /// How many `trim` steps the allocator could not perform.
    public var trimUnsupported: UInt64
    /// The last sampled values before the worker died, by CSV column.
    public var lastSample: [String: CSVValue]?
  }

  /// The scenario's name; exec and attach: the command's name.
  public var scenario: String
  /// The scenario file; exec: the program run; attach: the program of the process recorded.
  public var file: String
  /// exec: the command line run; attach: the command line of the process recorded.
  public var command: [String]?
  /// The allocator serving the workers and its tuning.
  public var allocator: String
  public var tuning: [String: String]
  /// The memory limit in force, nil for none.
  public var limitBytes: UInt64?
  /// The managed heap's limit; nil for exec and attach, where each Node process reports its own.
  public var heapLimitBytes: UInt64?
  /// How the limit was enforced.
  public var enforcement: String?
  public var outcome: String
  public var expected: String?
  public var matched: Bool
  public var durationSeconds: Double
  public var csv: String
  /// Why the CSV lacks rows, when a write to it failed during the run (the rows it has are whole).
  public var csvIncomplete: String?
  public var intervalSeconds: Double
  public var processes: [ProcessReport]
  /// exec and attach: the highest sum of RSS over the processes sampled at one tick, and when.
  public var treePeakRssBytes: UInt64?
  public var treePeakAtSeconds: Double?
  /// Which worker ended the run abnormally, when one did.
  public var victim: String?
  /// What else the reader must know to trust the run: swap left uncapped, a cgroup that could not be cleaned.
  public var notes: [String] = []
}

extension RunReport {
  /// The JSON summary: snake_case names as in the CSV, so one vocabulary serves both files; sorted, indented.
  public func json() throws -> Data {
    let encoder = JSONEncoder()
    encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
    encoder.keyEncodingStrategy = .convertToSnakeCase
    return try encoder.encode(self)
  }

  /// Reads a JSON summary `json()` wrote.
  public static func decode(_ data: Data) throws -> RunReport {
    let decoder = JSONDecoder()
    decoder.keyDecodingStrategy = .convertFromSnakeCase
    return try decoder.decode(RunReport.self, from: data)
  }

  /// The human summary printed after a run.
  public var text: String {
    let tuningText = tuning.sorted { $0.key < $1.key }.map { "\($0.key)=\($0.value)" }.joined(separator: ", ")
    let limitText: String = limitBytes.map { ByteSize.format($0) } ?? "none"
    var allocatorLine: String = "allocator \(allocator)"
      + (tuning.isEmpty ? "" : " (\(tuningText))") + "; limit \(limitText)"
    if let heapLimitBytes { allocatorLine += "; heap limit \(ByteSize.format(heapLimitBytes))" }
    var lines: [String] = [
      command.map { "command   \(Self.shellWords($0))" } ?? "scenario  \(scenario) (\(file))",
      "outcome   \(outcome)" + (expected.map { matched ? "  (expected \($0): match)" : "  (expected \($0): MISMATCH)" } ?? ""),
    ]
    for process in processes where process.outcome == Outcome.failed.name {
      lines.append("failed    \(process.name) could not run, so the run proves nothing: \(process.message ?? "no reason given")")
    }
    // exec and attach name an allocator only when one was preloaded.
    if command == nil || !allocator.isEmpty { lines.append(allocatorLine) }
    lines += [
      "limit     " + (enforcement ?? limitBytes.map { ByteSize.format($0) } ?? "none"),
      "duration  \(String(format1: durationSeconds)) s, sampled every \(Int(intervalSeconds * 1000)) ms -> \(csv)",
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
        lines.append("  peak live: buffers \(ByteSize.format(p.buffersLiveBytes)), native \(ByteSize.format(p.nativeLiveBytes)), pages \(ByteSize.format(p.pagesTouchedBytes)) touched of \(ByteSize.format(p.pagesReservedBytes)), stacks \(ByteSize.format(p.stacksReservedBytes))  [worker]")
        if p.heapTotalBytes > 0 || p.externalBytes > 0 {
          lines.append("  peak heap: used \(ByteSize.format(p.heapUsedBytes)), total \(ByteSize.format(p.heapTotalBytes)), external \(ByteSize.format(p.externalBytes)); \(p.gcCount) collections  [heap]")
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
