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
    /// The last sampled values before the worker died, by CSV column.
    public var lastSample: [String: String]?
  }

  public var scenario: String
  public var file: String
  public var outcome: String
  public var expected: String?
  public var matched: Bool
  public var durationSeconds: Double
  public var csv: String
  public var intervalSeconds: Double
  public var processes: [ProcessReport]
  /// Which worker ended the run abnormally, when one did.
  public var victim: String?
}

extension RunReport {
  /// The human summary printed after a run.
  public var text: String {
    var lines = [
      "scenario  \(scenario) (\(file))",
      "outcome   \(outcome)" + (expected.map { matched ? "  (expected \($0): match)" : "  (expected \($0): MISMATCH)" } ?? ""),
      "duration  \(String(format1: durationSeconds)) s, sampled every \(Int(intervalSeconds * 1000)) ms -> \(csv)",
    ]
    for process in processes {
      let p = process.peaks
      lines.append("process   \(process.name) (pid \(process.pid)): \(process.outcome)"
        + (process.endedAtSeconds.map { " at \(String(format1: $0)) s" } ?? ""))
      lines.append("  peak rss \(ByteSize.format(p.rssBytes)) (VmHWM \(ByteSize.format(p.hwmBytes))), peak vms \(ByteSize.format(p.vmsBytes)), threads \(p.threads)  [/proc/PID/status]")
      lines.append("  peak live: buffers \(ByteSize.format(p.buffersLiveBytes)), native \(ByteSize.format(p.nativeLiveBytes)), pages \(ByteSize.format(p.pagesTouchedBytes)) touched of \(ByteSize.format(p.pagesReservedBytes)), stacks \(ByteSize.format(p.stacksReservedBytes))  [worker]")
      if let message = process.message { lines.append("  worker said: \(message)") }
    }
    return lines.joined(separator: "\n")
  }
}
