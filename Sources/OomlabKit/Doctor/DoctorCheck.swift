/// One line of `oomlab doctor`: what was checked, what was found, and where it was read.
public struct DoctorCheck: Equatable, Sendable {
  /// What the line is about, such as `memory cgroup`.
  public let subject: String
  /// What was found.
  public let finding: String
  /// The file or call the finding comes from.
  public let source: String
  /// Whether oomlab can do everything that depends on this.
  public let ok: Bool
}
