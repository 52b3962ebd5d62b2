/// How a run's memory limit was enforced, as the summary and the JSON say it.
package enum Enforcement: Equatable, Sendable, CustomStringConvertible {
  /// A cgroup of oomlab's own, at this directory, removed after the run.
  case cgroup(String)
  /// The container's existing limit, found at this place: no cgroup could be created and the supervisor shares it.
  case container(String)
  /// The supervisor kills the worker at RSS >= the limit, with no kernel involvement.
  case simulated

  static let cgroupPrefix = "cgroup "
  static let containerPrefix = "the container's own limit at "
  static let containerSuffix = " (no cgroup could be created; the supervisor shares it)"
  static let simulatedText = "SIMULATED: the supervisor kills the worker at RSS >= limit (no cgroup)"

  /// The JSON's text: `cgroup DIR`, the container's place, or the simulation.
  package var description: String {
    switch self {
    case .cgroup(let directory): return Self.cgroupPrefix + directory
    case .container(let place): return Self.containerPrefix + place + Self.containerSuffix
    case .simulated: return Self.simulatedText
    }
  }

  /// How the summary's `limit` line says it, after the size.
  package var summary: String {
    switch self {
    case .cgroup, .container: return "enforced by " + description
    case .simulated: return description
    }
  }

  /// Reads an enforcement back from its `description`; nil for other text.
  package init?(description: String) {
    if description == Self.simulatedText {
      self = .simulated
    } else if description.hasPrefix(Self.containerPrefix) && description.hasSuffix(Self.containerSuffix) {
      self = .container(String(description.dropFirst(Self.containerPrefix.count).dropLast(Self.containerSuffix.count)))
    } else if description.hasPrefix(Self.cgroupPrefix) {
      self = .cgroup(String(description.dropFirst(Self.cgroupPrefix.count)))
    } else {
      return nil
    }
  }
}

extension Enforcement: DescribedCodable {
  package static let noun = "enforcement"
}
