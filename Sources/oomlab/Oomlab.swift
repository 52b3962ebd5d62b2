import ArgumentParser
import Foundation
import OomlabKit

@main
struct Oomlab: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "oomlab",
    abstract: "Reproduce and measure why processes get OOM-killed while their heap looks fine.",
    version: "0.1.0",
    subcommands: [
      Run.self, Exec.self, Attach.self, Matrix.self, Validate.self, List.self, Columns.self, DoctorCommand.self,
      WorkerCommand.self,
    ])

  /// Runs the command, mapping ArgumentParser's usage errors (64) to oomlab's documented status 2.
  static func main() {
    do {
      var command = try parseAsRoot()
      // Before anything can start a thread (the allocator lookup runs ldconfig through Foundation).
      if command is Run || command is Matrix || command is Exec || command is Attach { Supervisor.takeSignals() }
      try command.run()
    } catch {
      let code = exitCode(for: error)
      guard code == .validationFailure else { exit(withError: error) }
      FileHandle.standardError.write(Data((fullMessage(for: error) + "\n").utf8))
      Foundation.exit(ExitStatus.badInput.rawValue)
    }
  }
}
