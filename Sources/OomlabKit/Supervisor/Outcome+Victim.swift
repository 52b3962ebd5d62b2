extension Outcome {
  /// How telling this end is for naming a run's victim, lower first; nil for an end that names none.
  var victimRank: Int? {
    switch self {
    case .oomKill: return 0
    case .simulatedOomKill: return 1
    case .heapOom: return 2
    case .allocFailure: return 3
    case .signalled: return 4
    case .failed: return 5
    case .completed, .interrupted, .timedOut, .exited, .running: return nil
    }
  }

  /// Whether a limit ended the process (the kernel's, a simulated one, or its managed heap's), whoever
  /// else signalled it.
  var isMemoryEnd: Bool { self == .oomKill || self == .simulatedOomKill || self == .heapOom }

  /// The victim of a run or an exec: the process with the most telling end it reached itself, the first
  /// found among equals; nil when none did.
  ///
  /// A process oomlab killed (at a timeout, an interrupt, a failed start) names nobody, unless a limit
  /// ended it: a simulated one is oomlab's by design, and the kernel's line can show its OOM killer came first.
  static func victim<T>(among items: [T], outcome: (T) -> Outcome, killedByOomlab: (T) -> Bool) -> T? {
    var best: (item: T, rank: Int)?
    for item in items {
      let end = outcome(item)
      guard let rank = end.victimRank, end.isMemoryEnd || !killedByOomlab(item) else { continue }
      if rank < (best?.rank ?? .max) { best = (item, rank) }
    }
    return best?.item
  }
}
