import Glibc
import Testing

@testable import OomlabKit

/// The victim rule run and exec share.
struct VictimRuleTests {
  typealias End = (name: String, outcome: Outcome, killedByOomlab: Bool)

  static func victim(_ ends: [End]) -> String? {
    Outcome.victim(among: ends, outcome: \.outcome, killedByOomlab: \.killedByOomlab)?.name
  }

  @Test func anEndTheWorkerReachedOutranksOneTheSupervisorCaused() {
    #expect(Self.victim([("agent", .timedOut, true), ("app", .oomKill, false)]) == "app")
    #expect(Self.victim([("agent", .interrupted, true), ("app", .signalled(SIGSEGV), false)]) == "app")
    // A simulated limit's kill is the supervisor's by design, and the kernel's line beats a late SIGKILL.
    #expect(Self.victim([("a", .signalled(SIGKILL), true), ("b", .simulatedOomKill, true)]) == "b")
    #expect(Self.victim([("a", .oomKill, true)]) == "a")
  }

  @Test func noWorkerThatReachedAnEndOfItsOwnNamesNoVictim() {
    #expect(Self.victim([("agent", .timedOut, true), ("app", .completed, false)]) == nil)
    #expect(Self.victim([("started", .signalled(SIGKILL), true)]) == nil)
  }

  @Test func theMostTellingEndWinsAndTheFirstAmongEquals() {
    #expect(Self.victim([("a", .failed, false), ("b", .heapOom, false), ("c", .oomKill, false)]) == "c")
    #expect(Self.victim([("a", .signalled(SIGABRT), false), ("b", .signalled(SIGSEGV), false)]) == "a")
  }
}
