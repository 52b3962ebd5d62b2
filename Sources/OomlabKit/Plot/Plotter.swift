import Dispatch
import Foundation
import Glibc
import Synchronization

/// Draws charts by running the embedded plotting program under the first python3 that has matplotlib.
package struct Plotter {
  /// The oldest matplotlib the program is tested with (Debian 12's and Ubuntu 24.04's python3-matplotlib);
  /// scripts/plot.py checks the same.
  package static let minimumMatplotlib = "3.6"
  /// The program's status for "no usable matplotlib under this interpreter": try the next one.
  static let noMatplotlibStatus: Int32 = 3
  /// The program's status for an input it refuses.
  static let refusedStatus: Int32 = 2

  /// The environment the interpreters are looked up in and run with.
  package var environment: [String: String]

  package init(environment: [String: String] = ProcessInfo.processInfo.environment) {
    self.environment = environment
  }

  /// The interpreters to try, in order: `OOMLAB_PYTHON` alone when it is set, else each `python3` on PATH and
  /// then the system's, which is where Debian's python3-matplotlib goes whatever python3 PATH finds first.
  package func candidates() -> [String] {
    if let chosen = environment["OOMLAB_PYTHON"], !chosen.isEmpty { return [chosen] }
    let onPath = (environment["PATH"] ?? "").split(separator: ":").map { "\($0.isEmpty ? "." : $0)/python3" }
    var seen = Set<String>()
    return (onPath + ["/usr/bin/python3", "/usr/local/bin/python3"]).filter {
      access($0, X_OK) == 0 && seen.insert($0).inserted
    }
  }

  /// Checks the request's input and output, draws the chart and replaces the output with it; returns its path.
  ///
  /// Nothing is written unless the drawing succeeds, and then the output is replaced whole, never followed
  /// through a symbolic link, never one of the files the chart reads.
  package func plot(_ request: PlotRequest) throws -> String {
    let input = try PlotInput.open(request.input, summary: request.summary)
    let kind = request.kind ?? (input.isMatrix ? .matrix : .timeline)
    guard input.isMatrix == (kind == .matrix) else { throw PlotError.kindNeedsOtherInput(kind: kind, path: input.path) }
    let output = request.output ?? input.defaultOutput(kind)
    // Naming an input is the graver mistake, so it is the one reported when both are made.
    try Self.checkOutput(output, inputs: input.files)
    guard let format = PlotFormat(path: output) else { throw PlotError.format(path: output) }
    var arguments = [input.path, "--kind", kind.rawValue, "--format", format.rawValue, "--size", request.size.argument]
    if let summary = input.summary { arguments += ["--summary", summary] }
    let image = try render(arguments)
    // Once more: the drawing took a while, and the path may have been changed meanwhile.
    try Self.checkOutput(output, inputs: input.files)
    try OutputFile.replace(output, with: image, flag: "-o")
    return output
  }

  /// Refuses an output that could not be replaced, or that is one of the inputs.
  static func checkOutput(_ output: String, inputs: [(name: String, path: String)]) throws {
    try OutputFile.checkReplaceable(output, flag: "-o")
    let inputs = inputs.map { (name: $0.name, path: $0.path, identity: FileIdentity.input($0.path)) }
    if let clash = OutputFile.clash([(flag: "-o", path: output, identity: FileIdentity.output(output))], inputs: inputs)
    {
      throw clash
    }
  }

  /// Runs the program with `arguments` under each candidate in turn until one has matplotlib; returns the image.
  func render(_ arguments: [String]) throws -> [UInt8] {
    var tried: [String] = []
    for python in candidates() {
      let result: (status: Int32, output: [UInt8], errors: String)
      do {
        result = try run(python, arguments)
      } catch {
        tried.append("\(python): \(error)")
        continue
      }
      switch result.status {
      case 0: return result.output
      case Self.refusedStatus: throw PlotError.refused(message: result.errors.trimmingCharacters(in: .whitespacesAndNewlines))
      // 126 and 127: a shim (pyenv's) whose interpreter is not installed.
      case Self.noMatplotlibStatus, 126, 127:
        let reason = result.errors.split(separator: "\n").last.map(String.init) ?? "exit status \(result.status)"
        tried.append("\(python): \(reason.replacingOccurrences(of: "matplotlib: ", with: ""))")
      default: throw PlotError.programFailed(python: python, status: result.status, stderr: result.errors)
      }
    }
    throw PlotError.noMatplotlib(tried: tried)
  }

  /// Runs `python -` with the program on its standard input; collects its standard output and error.
  func run(_ python: String, _ arguments: [String]) throws -> (status: Int32, output: [UInt8], errors: String) {
    let process = Process()
    process.executableURL = URL(fileURLWithPath: python)
    process.arguments = ["-"] + arguments
    var environment = self.environment
    environment["MPLBACKEND"] = "Agg"
    process.environment = environment
    let input = Pipe()
    let output = Pipe()
    let errors = Pipe()
    process.standardInput = input
    process.standardOutput = output
    process.standardError = errors
    // An interpreter that exits before reading the whole program must not kill oomlab with SIGPIPE.
    signal(SIGPIPE, SIG_IGN)
    try process.run()
    // Both pipes are drained while the program is written, so neither side can block the other.
    let collected = Collected()
    let group = DispatchGroup()
    DispatchQueue.global().async(group: group) {
      collected.set(output: output.fileHandleForReading.readDataToEndOfFile())
    }
    DispatchQueue.global().async(group: group) {
      collected.set(errors: errors.fileHandleForReading.readDataToEndOfFile())
    }
    try? input.fileHandleForWriting.write(contentsOf: Data(PlotProgram.source.utf8))
    try? input.fileHandleForWriting.close()
    group.wait()
    process.waitUntilExit()
    let (out, err) = collected.values
    // A signal is reported the shell's way, so it cannot pass for one of the program's own statuses.
    let status = process.terminationReason == .uncaughtSignal ? 128 + process.terminationStatus : process.terminationStatus
    return (status, [UInt8](out), String(decoding: err, as: UTF8.self))
  }
}

/// The two streams of a child, filled by two reader threads.
private final class Collected: Sendable {
  private let streams = Mutex((output: Data(), errors: Data()))

  func set(output data: Data) { streams.withLock { $0.output = data } }
  func set(errors data: Data) { streams.withLock { $0.errors = data } }
  var values: (Data, Data) { streams.withLock { ($0.output, $0.errors) } }
}
