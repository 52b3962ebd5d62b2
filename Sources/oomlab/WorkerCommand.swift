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
  @Option var allocator: String = "glibc"
  @Option var preloaded: String?
  @Option var interval: UInt64 = 100_000_000
  @Option var heapLimit: UInt64 = ManagedHeap.defaultLimit

  func run() throws {
    var configuration = WorkerConfiguration(
      scenarioPath: scenario, processName: process, sharedDescriptor: sharedFd, supervisorPID: supervisor,
      limit: limit)
    configuration.allocator = AllocatorChoice(allocator)
    configuration.preloaded = preloaded
    configuration.interval = interval
    configuration.heapLimit = heapLimit
    let code = Worker.run(configuration)
    throw ExitCode(code)
  }
}
