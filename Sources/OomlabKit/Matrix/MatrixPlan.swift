/// Every cell of a matrix, resolved before the first runs: each scenario crossed with every value of every
/// axis, in the order of `MatrixCellKey`, whatever order the scenarios and values were given in, so that a
/// cell's index (`--cell K`) names the same cell on every machine.
package struct MatrixPlan {
  /// The cells that run, each with a file name of its own.
  package let cells: [MatrixCell]
  /// One line per kind of cell left out, saying how many and why.
  package let notes: [String]

  /// Crosses `scenarios` with `axes`; a cell whose axis value does not apply to its allocator or limit is
  /// left out with a note, and a matrix left with no cell is refused.
  package init(scenarios: [Scenario], axes: MatrixAxes) throws(MatrixUsageError) {
    var cells: [MatrixCell] = []
    var skipped: [(reason: String, count: Int)] = []
    for scenario in scenarios {
      for allocator in Self.values(axes.allocators) {
        for limit in Self.values(axes.limits) {
          for heapLimit in Self.values(axes.heapLimits) {
            for arenaMax in Self.values(axes.arenaMaxes) {
              for mallocConf in Self.values(axes.mallocConfs) {
                let cell = MatrixCell(
                  scenario: scenario, allocatorAxis: allocator, limitAxis: limit, heapLimitAxis: heapLimit,
                  arenaMaxAxis: arenaMax, mallocConfAxis: mallocConf)
                if let reason = cell.skipReason {
                  if let index = skipped.firstIndex(where: { $0.reason == reason }) {
                    skipped[index].count += 1
                  } else {
                    skipped.append((reason, 1))
                  }
                } else {
                  cells.append(cell)
                }
              }
            }
          }
        }
      }
    }
    let notes = skipped.map { "skipped \(String(count: $0.count, "cell")): \($0.reason)" }
    guard !cells.isEmpty else { throw .noCells(notes: notes) }
    // A stable sort: cells equal in every setting and text (two copies of one file) keep their order,
    // which cannot tell, as they run alike.
    let ordered = cells.enumerated().sorted { a, b in
      let (ka, kb) = (MatrixCellKey(a.element), MatrixCellKey(b.element))
      return ka != kb ? ka < kb : a.offset < b.offset
    }.map(\.element)
    self.cells = Self.named(ordered)
    self.notes = notes
  }

  /// The memory limits of the cells, each once, in the cells' order: nil stands for none.
  package var limits: [UInt64?] {
    var seen: [UInt64?] = []
    for cell in cells where !seen.contains(cell.limit) { seen.append(cell.limit) }
    return seen
  }

  /// The indices in `cells` of the cells whose memory limit is `limit` (nil for none), ascending.
  package func indices(limit: UInt64?) -> [Int] {
    cells.indices.filter { cells[$0].limit == limit }
  }

  /// An axis's values, or the one value "the scenario's own" (nil) where the command line gives none.
  static func values<Value>(_ axis: [Value]?) -> [Value?] {
    axis.map { $0.map(Optional.some) } ?? [nil]
  }

  /// The cells with their file names: the parts joined by `-`, and cells whose names would collide
  /// numbered, so no run overwrites another's files.
  static func named(_ cells: [MatrixCell]) -> [MatrixCell] {
    var taken = Set<String>()
    return cells.map { cell in
      var cell = cell
      let stem = cell.nameParts.joined(separator: "-")
      var base = stem
      var suffix = 1
      while !taken.insert(base).inserted {
        suffix += 1
        base = "\(stem)-\(suffix)"
      }
      cell.base = base
      return cell
    }
  }
}
