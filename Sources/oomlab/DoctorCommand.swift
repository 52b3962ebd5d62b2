import ArgumentParser
import OomlabKit

struct DoctorCommand: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "doctor",
    abstract: "Check what this machine lets oomlab do: cgroups, kernel log, THP, overcommit, oom_score_adj, pidfd, node, jemalloc.")

  func run() throws {
    for check in Doctor.checks() {
      let mark = check.ok ? "ok  " : "note"
      print("\(mark)  \(check.subject): \(check.finding)  [\(check.source)]")
    }
  }
}
