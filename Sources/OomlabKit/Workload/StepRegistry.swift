/// Every step kind the scenario language knows, in the order `oomlab list --steps` shows them.
package enum StepRegistry {
  /// All registered step kinds.
  package static let all: [any Step.Type] = [
    Buffers.self, Native.self, Pages.self, Threads.self, Objects.self, Leak.self, Free.self, Gc.self, Hold.self,
    Repeat.self, OomScoreAdj.self, Trim.self,
  ]

  /// The step kind introduced by `key`, if any.
  package static func kind(named key: String) -> (any Step.Type)? {
    all.first { $0.kind == key }
  }
}
