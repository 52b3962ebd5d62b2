/// Which members of a set of allocations a `free` releases.
package enum FreePattern: String, CaseIterable, Sendable {
  case random
  case everyOther = "every-other"
  case oldest
  case newest

  /// The positions (0 = oldest) of `count` members out of `total` to release.
  package func select(_ count: Int, of total: Int, seed: UInt64) -> [Int] {
    var positions: [Int] = []
    forEachSelected(count, of: total, seed: seed) { positions.append($0) }
    return positions
  }

  /// Calls `body` with each chosen position, in the order `select` lists them, without a Swift array.
  ///
  /// The worker frees a million blocks this way: the shuffle's scratch space is a mapping of its
  /// own, so choosing what to free leaves nothing behind in the allocator being measured.
  func forEachSelected(_ count: Int, of total: Int, seed: UInt64, _ body: (Int) -> Void) {
    let count = min(count, total)
    switch self {
    case .oldest: for position in 0..<count { body(position) }
    case .newest: for position in (total - count)..<total { body(position) }
    case .everyOther:
      // Evens first, then odds: every other block goes before any neighbours do.
      let evens = (total + 1) / 2
      for rank in 0..<count { body(rank < evens ? rank * 2 : (rank - evens) * 2 + 1) }
    case .random:
      var generator = SplitMix64(seed: seed)
      let positions = MappedArray<Int>()
      positions.reserve(total)
      for position in 0..<total { positions.append(position) }
      for i in 0..<count {
        let j = i + Int(generator.next() % UInt64(total - i))
        let chosen = positions[j]
        positions[j] = positions[i]
        positions[i] = chosen
        body(chosen)
      }
    }
  }
}
