import Foundation
import Testing

import OomlabTestSupport

/// The tests' one way to wait: a condition polled up to a deadline.
@Suite struct PollTests {
  @Test func theFirstValueIsReturnedAsSoonAsItComes() {
    var calls = 0
    let value = Poll.value(within: 5, every: 0.001) {
      calls += 1
      return calls >= 3 ? calls : nil
    }
    #expect(value == 3)
  }

  @Test func aConditionThatNeverHoldsFailsOnlyAfterTheDeadline() {
    let started = Date()
    var calls = 0
    let held = Poll.until(within: 0.05, every: 0.01) {
      calls += 1
      return false
    }
    #expect(!held)
    #expect(Date().timeIntervalSince(started) >= 0.05)
    // Asked at the start, between sleeps and once more at the deadline.
    #expect(calls >= 2, "\(calls) calls")
  }
}
