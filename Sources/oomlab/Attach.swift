import ArgumentParser
import Foundation
import OomlabKit

struct Attach: ParsableCommand {
  static let configuration = CommandConfiguration(
    abstract: "Record a running process, and every process it starts, until it exits, --for elapses or Ctrl-C.",
    discussion: """
      The process is never signalled and gets no limit. Its end is seen through a pidfd; its exit status is \
      read from /proc when its parent has not reaped it first, and an end by SIGKILL with the kernel's OOM line \
      for its pid is an oom-kill. Exit status: 0 recorded, 2 bad usage (no such process), 3 environment, \
      130 interrupted. The summary goes to standard error.
      """)

  @Argument(help: "The pid of the process to record.")
  var pid: Int32

  @Option(name: .customLong("for"), help: "Stop recording after this long, like 30s or 5m (default: until the process exits).")
  var duration: String?

  @Option(name: .customLong("interval"), parsing: .unconditional, help: "Sampling interval from 1ms to 1h, like 10ms or 1s (default 100ms).")
  var interval: String?

  @Option(help: "Where to write the CSV; '-' for standard output (default: NAME-PID-YYYYMMDD-HHMMSS.csv here, never replacing a file).")
  var csv: String?

  @Option(help: "Also write the summary as JSON to this file; '-' for standard output.")
  var summary: String?

  func validate() throws {
    guard pid > 0 else { throw ValidationError("attach expects a pid, a positive number, got \(pid)") }
    if let interval, SampleInterval.parse(interval) == nil {
      throw ValidationError("--interval expects \(SampleInterval.range), got \"\(interval.escapingNonPrintable)\"")
    }
    if let duration {
      guard let ns = DurationValue.parseNanoseconds(duration), ns >= 1_000_000 else {
        throw ValidationError("--for expects a duration of at least 1ms like 30s or 5m, got \"\(duration)\"")
      }
    }
  }

  func run() throws {
    let target = try AttachTarget(pid)
    let options = try AttachOptions.resolve(
      target, csvPath: csv ?? Run.defaultCSVName("\(target.name)-\(pid)"), csvIsGenerated: csv == nil,
      summaryPath: summary, duration: duration.flatMap(DurationValue.parseNanoseconds),
      interval: interval.flatMap(SampleInterval.parse))
    try Supervisor.attach(options).exit()
  }
}
