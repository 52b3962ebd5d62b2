/// The ways a run can end that a scenario may `expect:`.
package enum ExpectedOutcome: String, CaseIterable, Sendable, Codable {
  case completed
  case oomKill = "oom-kill"
  case heapOom = "heap-oom"
  case allocFailure = "alloc-failure"
  case signalled
  case timeout
}
