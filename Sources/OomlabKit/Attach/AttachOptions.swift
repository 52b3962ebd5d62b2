/// What `oomlab attach` will do, checked: the process held, the outputs open.
package struct AttachOptions {
  package let target: AttachTarget
  /// How long to record, in nanoseconds; nil until the process exits or an interrupt.
  package var duration: UInt64?
  /// The sampling interval in nanoseconds.
  package var interval: UInt64 = 100_000_000
  /// The CSV, opened and checked before recording starts.
  package var csv: CSVWriter
  /// Where the JSON summary goes, if anywhere.
  package var summaryPath: String?

  /// Opens the outputs for recording `target`, refusing unsafe ones (status 2) before anything is written.
  package static func resolve(
    _ target: AttachTarget, csvPath: String, csvIsGenerated: Bool, summaryPath: String?, duration: UInt64?,
    interval: UInt64?
  ) throws -> AttachOptions {
    let csv: CSVWriter
    do {
      csv = try OutputFile.openRunOutputs(
        csv: csvPath, csvIsGenerated: csvIsGenerated, summary: summaryPath,
        inputs: [(name: "the recorded program", path: target.executable)])
    } catch let error as OutputError {
      throw RunRefusal(status: error.status, description: error.description)
    }
    var options = AttachOptions(target: target, csv: csv)
    options.summaryPath = summaryPath
    options.duration = duration
    options.interval = interval ?? options.interval
    return options
  }

  init(target: AttachTarget, csv: CSVWriter) {
    self.target = target
    self.csv = csv
  }
}
