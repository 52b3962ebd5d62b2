extension Scenario {
  /// Every problem the scenario has under the memory limit and allocator a run will use, in file order.
  ///
  /// `validate` and `run` both call this, so what one accepts the other runs. `overridden` names
  /// the top-level fields the command line replaces; their values are checked where they are read.
  package func problems(limit: UInt64?, allocator: AllocatorChoice, overridden: Set<String> = []) -> [ScenarioError] {
    var problems: [ScenarioError] = []
    for share in percentFields where !overridden.contains(share.field) {
      if let problem = Self.problem(share, limit: limit) {
        problems.append(
          ScenarioError(file: file, line: share.line, column: share.column, field: share.field, problem: problem))
      }
    }
    if let conf = mallocConf, !overridden.contains("malloc-conf"), allocator != .jemalloc {
      problems.append(
        error("malloc-conf", "malloc-conf \"\(conf)\" is jemalloc's; the allocator is \(allocator) (set allocator: jemalloc or --allocator jemalloc)"))
    }
    if let arenas = arenaMax, !overridden.contains("arena-max"), allocator != .glibc {
      problems.append(error("arena-max", "arena-max \(arenas) is glibc's; the allocator is \(allocator)"))
    }
    return problems.isEmpty ? [] : ScenarioErrors(problems).all
  }

  /// The problems `run` would find given its `--memory-limit` and
  /// `--allocator`, nil where not given; checks that depend on a field in `unreadable` are left
  /// out, so a bad `limit:` is not reported again as every share lacking a limit.
  package func problems(memoryLimit: LimitSetting?, allocator: String?, unreadable: Set<String> = []) -> [ScenarioError] {
    var skipped: Set<String> = []
    if memoryLimit == nil && unreadable.contains("limit") { skipped.formUnion(percentFields.map(\.field)) }
    if allocator == nil && unreadable.contains("allocator") { skipped.formUnion(["malloc-conf", "arena-max"]) }
    return problems(
      limit: (memoryLimit ?? limit)?.bytes, allocator: AllocatorChoice(allocator ?? self.allocator ?? "glibc"),
      overridden: skipped)
  }

  /// The problem with a share of the limit once the limit is known, or nil when it resolves to a usable size.
  static func problem(_ share: PercentField, limit: UInt64?) -> String? {
    guard let limit else { return "a percentage needs a memory limit; set limit: or --memory-limit" }
    let bytes = share.bytes(limit: limit)
    let what = "\"\(share.written)\" of the \(limit)-byte limit is \(bytes) bytes"
    if bytes == 0 { return "\(what); expected a size above zero" }
    if share.field == "heap-limit" {
      guard bytes >= ScenarioBounds.minimumHeapLimit else {
        return "\(what), below the smallest heap limit; expected at least 1MiB (\(ScenarioBounds.minimumHeapLimit) bytes)"
      }
    }
    if bytes > ScenarioBounds.maximumBytes { return "\(what); \(ScenarioBounds.sizeExpectation)" }
    if let problem = ScenarioBounds.totalProblem(count: share.count, each: bytes) { return "\(what); \(problem)" }
    return nil
  }

  /// An error at a top-level field.
  func error(_ field: String, _ problem: String) -> ScenarioError {
    let place = places[field] ?? (0, 0)
    return ScenarioError(file: file, line: place.line, column: place.column, field: field, problem: problem)
  }
}
