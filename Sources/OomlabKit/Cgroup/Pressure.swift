/// Pressure stall information from a v2 cgroup's `memory.pressure` (or /proc/pressure/memory).
package struct Pressure: Equatable, Sendable {
  /// Share of the last 10 s in which at least one task waited for memory, in percent.
  package var someAvg10: Double?
  /// The same over 60 s.
  package var someAvg60: Double?
  /// The same over 300 s.
  package var someAvg300: Double?
  /// Total time at least one task waited, in microseconds.
  package var someTotal: UInt64?
  /// Share of the last 10 s in which all non-idle tasks waited for memory at once, in percent.
  package var fullAvg10: Double?
  /// The same over 60 s.
  package var fullAvg60: Double?
  /// The same over 300 s.
  package var fullAvg300: Double?
  /// Total time all tasks waited, in microseconds.
  package var fullTotal: UInt64?

  /// Creates an empty record.
  package init() {}

  /// Parses lines `some avg10=0.12 avg60=0.00 avg300=0.00 total=1234` and the `full` line.
  package static func parse(_ text: String) -> Pressure {
    var pressure = Pressure()
    for line in text.split(separator: "\n") {
      let words = line.split(separator: " ")
      guard let kind = words.first, kind == "some" || kind == "full" else { continue }
      for word in words.dropFirst() {
        guard let equals = word.firstIndex(of: "=") else { continue }
        let key = word[..<equals]
        let value = word[word.index(after: equals)...]
        switch (kind, key) {
        case ("some", "avg10"): pressure.someAvg10 = Double(value)
        case ("some", "avg60"): pressure.someAvg60 = Double(value)
        case ("some", "avg300"): pressure.someAvg300 = Double(value)
        case ("some", "total"): pressure.someTotal = UInt64(value)
        case ("full", "avg10"): pressure.fullAvg10 = Double(value)
        case ("full", "avg60"): pressure.fullAvg60 = Double(value)
        case ("full", "avg300"): pressure.fullAvg300 = Double(value)
        case ("full", "total"): pressure.fullTotal = UInt64(value)
        default: break
        }
      }
    }
    return pressure
  }
}
