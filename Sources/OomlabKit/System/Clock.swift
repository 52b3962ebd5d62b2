import Glibc

/// Monotonic time and sleeping, in nanoseconds.
package enum Clock {
  /// Nanoseconds on CLOCK_MONOTONIC.
  package static func now() -> UInt64 {
    var ts = timespec()
    clock_gettime(CLOCK_MONOTONIC, &ts)
    return UInt64(ts.tv_sec) * 1_000_000_000 + UInt64(ts.tv_nsec)
  }

  /// `nanoseconds` after `start`, saturating at the end of time rather than trapping on a huge interval.
  package static func after(_ nanoseconds: UInt64, from start: UInt64 = now()) -> UInt64 {
    let (sum, overflow) = start.addingReportingOverflow(nanoseconds)
    return overflow ? .max : sum
  }

  /// Sleeps for `nanoseconds`, resuming after signal interruptions.
  package static func sleep(nanoseconds: UInt64) {
    var request = timespec(tv_sec: Int(nanoseconds / 1_000_000_000), tv_nsec: Int(nanoseconds % 1_000_000_000))
    var remaining = timespec()
    while nanosleep(&request, &remaining) != 0 && errno == EINTR { request = remaining }
  }

  /// Sleeps until the monotonic clock reaches `deadline`.
  package static func sleep(until deadline: UInt64) {
    let current = now()
    if deadline > current { sleep(nanoseconds: deadline - current) }
  }

  /// Seconds since the Unix epoch on CLOCK_REALTIME, the clock kernel logs and metrics are stamped with.
  package static func unixSeconds() -> Double {
    var ts = timespec()
    clock_gettime(CLOCK_REALTIME, &ts)
    return Double(ts.tv_sec) + Double(ts.tv_nsec) / 1e9
  }
}
