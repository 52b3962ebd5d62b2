import Foundation

/// The result of a run, printed as a summary and written as JSON with `--summary`.
public struct RunReport: Codable {
  /// One worker's end and peaks.
  public struct ProcessReport: Codable {
    public var name: String
    public var pid: Int32
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

  public var scenario: String
  public var file: String
  /// The allocator serving the workers and its tuning.
  public var allocator: String
  public var tuning: [String: String]
  /// The memory limit in force, nil for none.
  public var limitBytes: UInt64?
  /// The managed heap's limit.
  public var heapLimitBytes: UInt64
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
    let allocatorLine: String = "allocator \(allocator)" + (tuning.isEmpty ? "" : " (\(tuningText))") + "; limit \(limitText); heap limit \(ByteSize.format(heapLimitBytes))"
    var lines: [String] = [
      "scenario  \(scenario) (\(file))",
      "outcome   \(outcome)" + (expected.map { matched ? "  (expected \($0): match)" : "  (expected \($0): MISMATCH)" } ?? ""),
    ]
    for process in processes where process.outcome == Outcome.failed.name {
      lines.append("failed    \(process.name) could not run, so the run proves nothing: \(process.message ?? "no reason given")")
    }
    lines += [
      allocatorLine,
      "limit     " + (enforcement ?? "none"),
      "duration  \(String(format1: durationSeconds)) s, sampled every \(Int(intervalSeconds * 1000)) ms -> \(csv)",
    ]
    if let csvIncomplete { lines.append("csv       INCOMPLETE: \(csvIncomplete)") }
    lines += notes.map { "note      \($0)" }
    for process in processes {
      let p = process.peaks
      lines.append("process   \(process.name) (pid \(process.pid)): \(process.outcome)"
        + (process.endedAtSeconds.map { " at \(String(format1: $0)) s" } ?? ""))
      lines.append("  peak rss \(ByteSize.format(p.rssBytes)) (VmHWM \(ByteSize.format(p.hwmBytes))), peak vms \(ByteSize.format(p.vmsBytes)), threads \(p.threads)  [/proc/PID/status]")
      lines.append("  peak live: buffers \(ByteSize.format(p.buffersLiveBytes)), native \(ByteSize.format(p.nativeLiveBytes)), pages \(ByteSize.format(p.pagesTouchedBytes)) touched of \(ByteSize.format(p.pagesReservedBytes)), stacks \(ByteSize.format(p.stacksReservedBytes))  [worker]")
      if p.heapTotalBytes > 0 || p.externalBytes > 0 {
        lines.append("  peak heap: used \(ByteSize.format(p.heapUsedBytes)), total \(ByteSize.format(p.heapTotalBytes)), external \(ByteSize.format(p.externalBytes)); \(p.gcCount) collections  [heap]")
      }
      if let ratio = p.fragRatio {
        lines.append("  peak frag_ratio \(String(format: "%.2f", ratio)) (active/allocated)  [allocator]")
      }
      if process.trimUnsupported > 0 { lines.append("  trim: unsupported by this allocator (\(process.trimUnsupported) step(s) did nothing)") }
      if let message = process.message { lines.append("  worker said: \(message)") }
      if let kernel = process.kernelReport { lines.append("  kernel: \(kernel)") }
      if let last = process.lastSample {
        let keys = ["t_seconds", "step", "rss_bytes", "cgroup_usage_bytes", "cgroup_limit_bytes", "oom_score_cgroup"]
        lines.append("  last sample: " + keys.compactMap { key in last[key].flatMap { $0 == .empty ? nil : "\(key)=\($0.csvText)" } }.joined(separator: " "))
      }
    }
    return lines.joined(separator: "\n")
  }
}
