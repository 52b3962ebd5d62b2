/// One line of `oomlab doctor`: what was checked, what was found, and where it was read.
package struct DoctorCheck: Equatable, Sendable {
  /// What the line is about, such as `memory cgroup`.
  package let subject: String
  /// What was found.
  package let finding: String
  /// The file or call the finding comes from.
  package let source: String
  /// Whether oomlab can do everything that depends on this.
  package let ok: Bool
}
