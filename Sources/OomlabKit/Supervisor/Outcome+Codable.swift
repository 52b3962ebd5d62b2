/// An outcome is written in the JSON summary as the summary prints it: `oom-kill`, `signalled (SIGKILL)`.
extension Outcome: DescribedCodable {
  package static let noun = "outcome"

  /// Every outcome without a signal, for reading names back: a new outcome needs its place here, or a JSON
  /// summary that names it does not decode (RunReportTests reads each of these back).
  static let unsignalled: [Outcome] = [
    .completed, .oomKill, .heapOom, .allocFailure, .simulatedOomKill, .failed, .interrupted, .timedOut, .exited,
    .running,
  ]

  /// Reads an outcome back from its `description`; nil for text no outcome prints.
  package init?(description: String) {
    if let plain = Self.unsignalled.first(where: { $0.description == description }) {
      self = plain
      return
    }
    guard description.hasPrefix("signalled ("), description.hasSuffix(")") else { return nil }
    let name = String(description.dropFirst("signalled (".count).dropLast())
    // Linux numbers signals 1...64; `SignalName.of` names each, as `signal N` where it has no name.
    guard let signal = (1...64).map(Int32.init).first(where: { SignalName.of($0) == name }) else { return nil }
    self = .signalled(signal)
  }
}
