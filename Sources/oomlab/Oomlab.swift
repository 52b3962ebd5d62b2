import ArgumentParser

@main
struct Oomlab: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "oomlab",
    abstract: "Reproduce and measure why processes get OOM-killed while their heap looks fine.",
    version: "0.1.0",
    subcommands: [Run.self, Matrix.self, Validate.self, List.self, Columns.self, WorkerCommand.self])
}
