import Foundation
import Glibc

/// Waiting in tests: poll for the condition with a deadline, never sleep a fixed time and hope it holds.
package enum Poll {
  /// The first value `body` returns, asked every `interval` seconds until `seconds` pass; nil if none came.
  package static func value<T>(within seconds: Double = 20, every interval: Double = 0.02, _ body: () -> T?) -> T? {
    let deadline = Date().addingTimeInterval(seconds)
    while true {
      if let value = body() { return value }
      // Asked once more at the deadline: a condition that came true while this slept still counts.
      guard Date() < deadline else { return nil }
      usleep(useconds_t(interval * 1_000_000))
    }
  }

  /// Whether `condition` held within `seconds`, asked every `interval` seconds.
  @discardableResult
  package static func until(within seconds: Double = 20, every interval: Double = 0.02, _ condition: () -> Bool) -> Bool {
    value(within: seconds, every: interval) { condition() ? true : nil } ?? false
  }
}
