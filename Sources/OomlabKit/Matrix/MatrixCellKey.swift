/// What orders the cells of a matrix, taken from a cell or from its summary.csv row alike, so that a matrix
/// has one order whatever order its scenarios and axis values were given in, and `collect` restores it.
///
/// Cells sort by scenario name, allocator, memory limit (ascending, `none` last), heap limit (the default
/// first, then sizes ascending, then shares ascending), arena cap (glibc's own first, then ascending) and
/// MALLOC_CONF (none first, then by its text); cells equal in all of those (two files with the same `name:`)
/// keep the order of their `tie`: for a cell the scenario's text, not its path, which a pod spells otherwise
/// (`scenarios/2-leak.yaml`), and for a row its file name, shortest first, as the later of such cells are
/// named with `-2`, `-3`... after the first.
package struct MatrixCellKey: Comparable, Sendable {
  /// The scenario's `name:`.
  package let scenario: String
  /// The allocator as the summary writes it: a library by its path as given.
  package let allocator: String
  /// The memory limit in bytes, nil for none.
  package let limit: UInt64?
  /// The heap limit, nil for the scenario's default.
  package let heapLimit: SizeSpec?
  /// The arena cap, nil for glibc's own.
  package let arenaMax: Int?
  /// The MALLOC_CONF, nil for none.
  package let mallocConf: String?
  /// What tells apart cells equal in every setting: the scenario's text, or a row's file name.
  package let tie: String

  /// The key of a cell of a plan.
  init(_ cell: MatrixCell) {
    scenario = cell.scenario.name
    allocator = cell.allocatorSpelling
    limit = cell.limit
    heapLimit = cell.heapLimit
    arenaMax = cell.arenaMax
    mallocConf = cell.mallocConf
    tie = cell.scenario.source
  }

  /// The key of a summary.csv row (`MatrixSummary.header` order), nil when its settings do not read back.
  package init?(row: [String]) {
    let column = { (name: String) -> String? in
      MatrixSummary.header.firstIndex(of: name).flatMap { $0 < row.count ? row[$0] : nil }
    }
    guard let scenario = column("scenario"), let allocator = column("allocator"), let limit = column("limit"),
      let heapLimit = column("heap_limit"), let arenaMax = column("arena_max"), let mallocConf = column("malloc_conf"),
      let csv = column("csv")
    else { return nil }
    self.scenario = scenario
    self.allocator = allocator
    if limit == "none" {
      self.limit = nil
    } else if case .success(let bytes) = ByteSize.parse(limit) {
      self.limit = bytes
    } else {
      return nil
    }
    if heapLimit.isEmpty {
      self.heapLimit = nil
    } else if let spec = SizeSpec.parse(heapLimit) {
      self.heapLimit = spec
    } else {
      return nil
    }
    if arenaMax.isEmpty {
      self.arenaMax = nil
    } else if let value = Int(arenaMax) {
      self.arenaMax = value
    } else {
      return nil
    }
    self.mallocConf = mallocConf.isEmpty ? nil : mallocConf
    tie = csv.hasSuffix(".csv") ? String(csv.dropLast(4)) : csv
  }

  package static func < (a: MatrixCellKey, b: MatrixCellKey) -> Bool {
    if a.scenario != b.scenario { return a.scenario < b.scenario }
    if a.allocator != b.allocator { return a.allocator < b.allocator }
    if a.limit != b.limit { return (a.limit == nil ? 1 : 0, a.limit ?? 0) < (b.limit == nil ? 1 : 0, b.limit ?? 0) }
    if a.heapLimit != b.heapLimit { return rank(a.heapLimit) < rank(b.heapLimit) }
    if a.arenaMax != b.arenaMax { return (a.arenaMax ?? 0) < (b.arenaMax ?? 0) }
    if a.mallocConf != b.mallocConf { return (a.mallocConf ?? "") < (b.mallocConf ?? "") }
    return (a.tie.count, a.tie) < (b.tie.count, b.tie)
  }

  /// A heap limit's place: the default, then sizes, then shares, each ascending.
  static func rank(_ spec: SizeSpec?) -> (Int, Double) {
    switch spec {
    case nil: return (0, 0)
    case .bytes(let bytes)?: return (1, Double(bytes))
    case .percentOfLimit(let percent)?: return (2, percent)
    }
  }
}
