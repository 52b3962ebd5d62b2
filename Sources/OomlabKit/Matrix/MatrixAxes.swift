/// The values a matrix crosses, each axis nil where the command line leaves it to each scenario.
///
/// Lists are comma-separated, except MALLOC_CONF values, which hold commas themselves: `--malloc-conf`
/// is repeated instead, once per value. Values that mean the same (`256Mi` and `256MiB`, `glibc` and
/// `libc`) are one value, kept where first written.
package struct MatrixAxes: Equatable, Sendable {
  /// Allocators as written: `glibc`, `jemalloc` or a preloadable library.
  package var allocators: [String]?
  /// Memory limits, `none` included.
  package var limits: [LimitSetting]?
  /// Managed heap limits, in bytes or as shares of each cell's memory limit.
  package var heapLimits: [SizeSpec]?
  /// glibc arena caps, `none` for glibc's own.
  package var arenaMaxes: [TuningSetting<Int>]?
  /// jemalloc MALLOC_CONF values, `none` for jemalloc's defaults.
  package var mallocConfs: [TuningSetting<String>]?

  package init(
    allocators: [String]? = nil, limits: [LimitSetting]? = nil, heapLimits: [SizeSpec]? = nil,
    arenaMaxes: [TuningSetting<Int>]? = nil, mallocConfs: [TuningSetting<String>]? = nil
  ) {
    self.allocators = allocators
    self.limits = limits
    self.heapLimits = heapLimits
    self.arenaMaxes = arenaMaxes
    self.mallocConfs = mallocConfs
  }

  /// What each axis option expects, for its error message.
  package static let expectations = [
    "--allocator": "glibc, jemalloc or a path to a preloadable .so",
    "--memory-limit": "\(ByteSize.spellings), or none",
    "--heap-limit": "\(ByteSize.spellings), or a share of the memory limit like 75%",
    "--arena-max": "an integer in \(TuningSetting<Int>.arenaRange.lowerBound)...\(TuningSetting<Int>.arenaRange.upperBound) or none",
    "--malloc-conf": "a MALLOC_CONF like dirty_decay_ms:0,muzzy_decay_ms:0, or none",
  ]

  /// Reads the axes from the options' text; nil options leave their axis to the scenarios.
  package static func parse(
    allocator: String?, memoryLimit: String?, heapLimit: String?, arenaMax: String?, mallocConf: [String]
  ) throws(MatrixUsageError) -> MatrixAxes {
    var axes = MatrixAxes()
    if let allocator {
      axes.allocators = unique(try items("--allocator", allocator)) { AllocatorChoice($0) }
    }
    if let memoryLimit {
      axes.limits = unique(try items("--memory-limit", memoryLimit).map { item throws(MatrixUsageError) in
        guard let setting = LimitSetting(parsing: item) else { throw bad("--memory-limit", item) }
        return setting
      }) { $0 }
    }
    if let heapLimit {
      axes.heapLimits = unique(try items("--heap-limit", heapLimit).map { item throws(MatrixUsageError) in
        guard let spec = SizeSpec.parse(item) else { throw bad("--heap-limit", item) }
        return spec
      }) { $0.compact }
    }
    if let arenaMax {
      axes.arenaMaxes = unique(try items("--arena-max", arenaMax).map { item throws(MatrixUsageError) in
        guard let setting = TuningSetting<Int>(arenaMax: item) else { throw bad("--arena-max", item) }
        return setting
      }) { $0 }
    }
    if !mallocConf.isEmpty {
      axes.mallocConfs = unique(try mallocConf.map { item throws(MatrixUsageError) in
        guard let setting = TuningSetting<String>(mallocConf: item) else { throw bad("--malloc-conf", item) }
        return setting
      }) { $0 }
    }
    return axes
  }

  static func bad(_ flag: String, _ item: String) -> MatrixUsageError {
    .badItem(flag: flag, item: item, expected: expectations[flag] ?? "a value")
  }

  /// The items of a comma-separated option, trimmed, refusing an empty list or an empty item.
  static func items(_ flag: String, _ text: String) throws(MatrixUsageError) -> [String] {
    let items = text.split(separator: ",", omittingEmptySubsequences: false).map { String($0).trimmingSpaces() }
    guard !items.contains(where: \.isEmpty) else { throw .emptyItem(flag: flag, text: text) }
    return items
  }

  /// The values with later duplicates dropped, two values being one when `key` says so.
  static func unique<Value, Key: Hashable>(_ values: [Value], by key: (Value) -> Key) -> [Value] {
    var seen = Set<Key>()
    return values.filter { seen.insert(key($0)).inserted }
  }
}
