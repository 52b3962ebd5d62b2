/// An error that knows which documented exit status it ends the command with.
package protocol StatusReporting: Error, CustomStringConvertible {
  /// The status `oomlab` exits with when this error ends a command.
  var status: ExitStatus { get }
}

extension ExitStatus {
  /// The status an error ends a command with: its own when it says, else "the environment cannot".
  ///
  /// The one mapping from errors to statuses: commands throw, and the entry point exits with this.
  package static func of(_ error: any Error) -> ExitStatus {
    (error as? any StatusReporting)?.status ?? .environment
  }
}

extension RunRefusal: StatusReporting {}
extension OutputError: StatusReporting {}

extension ScenarioError: StatusReporting {
  /// A scenario that does not parse or validate is bad input.
  package var status: ExitStatus { .badInput }
}

extension CgroupError: StatusReporting {
  /// The cgroup layer fails only on what the machine allows.
  package var status: ExitStatus { .environment }
}

extension SystemError: StatusReporting {
  /// A failed system call is the environment's.
  package var status: ExitStatus { .environment }
}
