import Glibc

extension Supervisor {
  /// SIGPIPE once the CSV's reader went away (`| head`), else nil.
  ///
  /// Nobody is listening any more, so run, exec and attach all end as interrupted (status 130), checked
  /// after every write of rows: a run whose last rows failed must not pass for completed or go on unread.
  static func readerWentAway(_ csv: CSVWriter) -> Int32? {
    csv.failure?.errno == EPIPE ? SIGPIPE : nil
  }

  /// Writes the CSV's header; a reader gone already (`| true`) ends the command as one that goes later
  /// does, with status 130, rather than as an environment that cannot write (3).
  static func startRecording(_ csv: CSVWriter) throws {
    do {
      try csv.start()
    } catch where readerWentAway(csv) != nil {
      throw RunRefusal(status: .interrupted, description: "the CSV's reader went away before its header: nothing was recorded")
    }
  }

  /// The status of a run, an exec or an attach: 130 when interrupted (a reader that went away included),
  /// 3 when something could not run or be recorded whole (`failed`, the CSV, the JSON summary), else
  /// whether the outcome matched.
  static func status(interrupted: Bool, failed: Bool, csv: CSVWriter, matched: Bool) -> ExitStatus {
    if interrupted { return .interrupted }
    // Such a run says nothing sure about the scenario, even when a process reached the expected end.
    if failed || csv.failure != nil { return .environment }
    return matched ? .matched : .mismatched
  }

  /// Writes the JSON summary to `path`, when one was asked for, and says whether that succeeded.
  ///
  /// A failure (a closed reader of `--summary -`, a full disk) is noted in `report` instead of thrown, so
  /// that the text summary, and the outcome it gives, are still printed.
  static func writeSummary(_ report: inout RunReport, to path: String?) -> Bool {
    guard let path else { return true }
    do {
      try writeJSON(report, to: path)
      return true
    } catch {
      report.notes.append("the JSON summary was not written: \(error)")
      return false
    }
  }
}
