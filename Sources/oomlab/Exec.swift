import ArgumentParser
import Foundation
import OomlabKit

struct Exec: ParsableCommand {
  static let configuration = CommandConfiguration(
    abstract: "Run a real program, and every process it starts, under the limit and sampler; record its memory.",
    usage: "oomlab exec [<options>] -- <command> [<argument> ...]",
    discussion: """
      The command's standard input, output and error are oomlab's own; it keeps the terminal and its Ctrl-C. \
      Exit status: without --expect, the command's own (128+N when signal N ended it, 124 when --timeout did, \
      130 when the CSV's reader went away), \
      so oomlab can wrap a command in scripts unchanged; with --expect, run's: 0 matched, 1 mismatched, \
      3 environment, 130 interrupted. Before the command starts, oomlab refuses bad usage with 2 and what \
      this machine cannot do with 3. The summary goes to standard error.
      """)

  // `--allocator` here preloads a malloc into the command (default: its own).
  @OptionGroup var options: RunArguments<OneRun>

  @Option(help: "Where to write the CSV; '-' for standard output, which needs --stdout (default: COMMAND-YYYYMMDD-HHMMSS.csv here, never replacing a file).")
  var csv: String?

  @Option(help: "Also write the summary as JSON to this file; '-' for standard output, which needs --stdout.")
  var summary: String?

  @Option(help: "Send the command's standard output to this file instead of oomlab's (so that --csv - can have it).")
  var stdout: String?

  @Option(help: "The outcome to expect: completed (exit status 0), oom-kill, heap-oom, signalled or timeout; oomlab then exits as run does.")
  var expect: ExpectedOutcome?

  // Unconditional: the value may be negative, like -500, which would otherwise read as an option.
  @Option(parsing: .unconditional, help: "The command's oom_score_adj, -1000...1000, set before it starts so that its children inherit it.")
  var oomScoreAdj: Int?

  @Option(help: "Collect Node's heap figures and watch for its fatal heap message: auto (the command is node or a node script), node, none.")
  var runtime: CommandRuntime = .auto

  @Argument(parsing: .postTerminator, help: "The command to run and its arguments, after --.")
  var command: [String] = []

  func validate() throws {
    guard !command.isEmpty else {
      throw ValidationError("name the command to run after --, like: oomlab exec --memory-limit 512MiB -- node app.js")
    }
    if options.oomGroup != nil {
      throw ValidationError("--oom-group is for run and matrix; exec does not set memory.oom.group for a command's tree yet")
    }
    if let heapLimit = options.heapLimit {
      throw ValidationError(
        "--heap-limit \"\(heapLimit)\" sets a scenario's managed heap; a Node program's is its own --max-old-space-size")
    }
    if let oomScoreAdj, !(-1000...1000).contains(oomScoreAdj) {
      throw ValidationError("--oom-score-adj expects -1000...1000, got \(oomScoreAdj)")
    }
  }

  func run() throws {
    let name = command.first.map { String($0.split(separator: "/").last ?? Substring($0)) } ?? "exec"
    var request = ExecRequest(command: command, csvPath: csv ?? Run.defaultCSVName(name))
    request.csvPathIsGenerated = csv == nil
    request.summaryPath = summary
    request.stdoutPath = stdout
    request.allocator = options.allocator
    request.memoryLimit = options.memoryLimit
    request.interval = options.interval.flatMap(SampleInterval.parse)
    // `none` asks for no tuning: for a foreign command that is the same as not giving the option.
    request.mallocConf = TuningSetting.resolve(options.mallocConf.first.flatMap { TuningSetting(mallocConf: $0) }, over: nil)
    request.arenaMax = TuningSetting.resolve(options.arenaMax.flatMap { TuningSetting(arenaMax: $0) }, over: nil)
    request.enforce = options.enforce
    request.expect = expect
    request.timeout = options.timeoutNanoseconds
    request.oomScoreAdj = oomScoreAdj
    request.runtime = runtime
    var execOptions = try ExecOptions.resolve(request, environment: ProcessInfo.processInfo.environment)
    try StatusLine.during(quiet: options.quiet) { line in
      execOptions.statusLine = line
      return try Supervisor.exec(execOptions)
    }.exit()
  }
}

extension ExpectedOutcome: ExpressibleByArgument {}
extension CommandRuntime: ExpressibleByArgument {}
