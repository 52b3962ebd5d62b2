/// Which members of a set of allocations a `free` releases.
public enum FreePattern: String, CaseIterable, Sendable {
  case random
  case everyOther = "every-other"
  case oldest
  case newest

  /// The positions (0 = oldest) of `count` members out of `total` to release.
  public func select(_ count: Int, of total: Int, seed: UInt64) -> [Int] {
    let count = min(count, total)
    switch self {
    case .oldest: return Array(0..<count)
    case .newest: return Array((total - count)..<total)
    case .everyOther:
      // Evens first, then odds: every other block goes before any neighbours do.
      let order = Array(stride(from: 0, to: total, by: 2)) + Array(stride(from: 1, to: total, by: 2))
      return Array(order.prefix(count))
    case .random:
      var generator = SplitMix64(seed: seed)
      var positions = Array(0..<total)
      for i in 0..<count {
        let j = i + Int(generator.next() % UInt64(total - i))
        positions.swapAt(i, j)
      }
      return Array(positions.prefix(count))
    }
  }
}
