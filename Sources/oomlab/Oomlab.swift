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
      Run.self, Exec.self, Attach.self, Matrix.self, Collect.self, Plot.self, Validate.self, List.self, Schema.self, Columns.self,
      DoctorCommand.self, WorkerCommand.self,
    ])

  /// Runs the command; every failure leaves through one mapping to the documented exit statuses.
  static func main() {
    do {
      var command = try parseAsRoot()
      // Before anything can start a thread (attach's exit watch, exec's copy of stderr), which would inherit none blocked.
      if command is Run || command is Matrix || command is Exec || command is Attach { Supervisor.takeSignals() }
      try command.run()
    } catch let code as ExitCode {
      // A status oomlab chose (a run's verdict, exec's command's own status) passes through unchanged,
      // 64 included, which ArgumentParser would otherwise take for its usage error.
      Foundation.exit(code.rawValue)
    } catch let error as any StatusReporting {
      // oomlab's own errors say what went wrong and which status that is.
      FileIO.writeToStandardError("oomlab: \(error)\n")
      Foundation.exit(error.status.rawValue)
    } catch {
      // ArgumentParser's usage errors (64) are oomlab's bad usage (2); its help passes through.
      let code = exitCode(for: error)
      if code == .failure {
        // Not ArgumentParser's and not oomlab's own kind: something the environment did (status 3).
        FileIO.writeToStandardError("oomlab: \(error)\n")
        Foundation.exit(ExitStatus.of(error).rawValue)
      }
      guard code == .validationFailure else { exit(withError: error) }
      FileIO.writeToStandardError(fullMessage(for: error) + "\n")
      Foundation.exit(ExitStatus.badInput.rawValue)
    }
  }
}
