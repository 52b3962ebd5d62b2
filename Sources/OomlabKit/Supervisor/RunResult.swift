/// How a run, an exec or an attach ended: its report, its verdict and the status oomlab exits with.
package struct RunResult {
  package var report: RunReport
  /// The verdict in the terms of `run`: 0 matched, 1 mismatched, 3 environment, 130 interrupted.
  package var status: ExitStatus
  /// What oomlab exits with: `status`, except for exec without --expect, which exits as its command did
  /// (its exit code, 128+N when signal N ended it, 124 when the timeout did).
  package var exitCode: Int32

  /// A result that exits with its verdict.
  package init(report: RunReport, status: ExitStatus) {
    self.init(report: report, status: status, exitCode: status.rawValue)
  }

  /// A result that exits with another code than its verdict's.
  package init(report: RunReport, status: ExitStatus, exitCode: Int32) {
    self.report = report
    self.status = status
    self.exitCode = exitCode
  }
}
