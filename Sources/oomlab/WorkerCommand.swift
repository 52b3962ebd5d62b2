import ArgumentParser
import Foundation
import OomlabKit

/// The worker side of `oomlab run`: started by the supervisor, never by users.
struct WorkerCommand: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "__worker", abstract: "Internal: execute a scenario as the supervisor's worker.", shouldDisplay: false)

  @Option var scenario: String
  @Option var process: String
  @Option var sharedFd: Int32
  @Option var supervisor: Int32
  @Option var limit: UInt64?

  func run() throws {
    let code = Worker.run(
      WorkerConfiguration(
        scenarioPath: scenario, processName: process, sharedDescriptor: sharedFd, supervisorPID: supervisor,
        limit: limit))
    throw ExitCode(code)
  }
}
