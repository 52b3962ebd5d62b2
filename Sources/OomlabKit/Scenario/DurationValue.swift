/// Parses durations written as `250ms`, `2s`, `1.5s`, `3m` or `1h`.
package enum DurationValue {
  /// Every accepted unit with its length in nanoseconds; `ms` before `s` and `m`, which it ends with.
  static let units: [(suffix: String, factor: Double)] = [("ms", 1e6), ("us", 1e3), ("s", 1e9), ("m", 60e9), ("h", 3600e9)]

  /// The spellings a duration may take, phrased for error messages after "like".
  package static let spellings = "250ms, 2s, 1m or 1h"

  /// Parses a duration into nanoseconds, or nil when it is malformed or negative.
  package static func parseNanoseconds(_ text: String) -> UInt64? {
    let body = text.trimmingSpaces()
    for (suffix, factor) in units where body.hasSuffix(suffix) {
      let number = String(body.dropLast(suffix.count)).trimmingSpaces()
      guard !number.isEmpty, number.allSatisfy({ $0.isASCII && ($0.isNumber || $0 == ".") }),
        let value = Double(number), value.isFinite, value * factor < 1.8e19
      else { return nil }
      return UInt64((value * factor).rounded())
    }
    return nil
  }

  /// Writes nanoseconds in the largest unit that keeps them whole, like `250ms` or `90s`.
  package static func format(_ nanoseconds: UInt64) -> String {
    for (suffix, factor) in [("s", 1_000_000_000), ("ms", 1_000_000), ("us", 1000)] as [(String, UInt64)]
    where nanoseconds % factor == 0 && nanoseconds > 0 {
      return "\(nanoseconds / factor)\(suffix)"
    }
    return "\(nanoseconds)ns"
  }
}
