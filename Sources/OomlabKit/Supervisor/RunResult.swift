/// How `oomlab exec` ended: its report and the status oomlab exits with.
public struct ExecResult {
  public var report: RunReport
  /// With --expect, the run's contract (0 matched, 1 mismatched, 3 environment, 130 interrupted);
  /// without, the command's own: its exit code, 128+N when signal N ended it, 124 when the timeout did.
  public var exitStatus: Int32
}
