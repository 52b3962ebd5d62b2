import ArgumentParser
import OomlabKit

/// The worker side of `oomlab run`: started by the supervisor, never by users.
struct WorkerCommand: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "__worker", abstract: "Internal: execute a scenario as the supervisor's worker.", shouldDisplay: false)

  func run() throws {
    throw ExitCode(Worker.main())
  }
}
