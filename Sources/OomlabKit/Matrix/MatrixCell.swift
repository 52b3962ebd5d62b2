/// One run of a matrix: a scenario under one value of each axis, with the name of its files.
package struct MatrixCell {
  /// The scenario the cell runs.
  package let scenario: Scenario
  /// The allocator the axis gives, nil for the scenario's own.
  package let allocatorAxis: String?
  /// The memory limit the axis gives, nil for the scenario's own.
  package let limitAxis: LimitSetting?
  /// The heap limit the axis gives, nil for the scenario's own.
  package let heapLimitAxis: SizeSpec?
  /// The arena cap the axis gives, nil for the scenario's own.
  package let arenaMaxAxis: TuningSetting<Int>?
  /// The MALLOC_CONF the axis gives, nil for the scenario's own.
  package let mallocConfAxis: TuningSetting<String>?
  /// The cell's file name without its extension, unique in the matrix.
  package internal(set) var base = ""

  /// The allocator in force, from the axis or the scenario.
  package var allocator: AllocatorChoice { AllocatorChoice(allocatorAxis ?? scenario.allocator ?? "glibc") }
  /// The allocator as the summary writes it and cells sort by: `glibc`, `jemalloc`, or a library's path as
  /// given, so that two libraries of one file name (`x/libfoo.so`, `y/libfoo.so`) stay two.
  package var allocatorSpelling: String {
    if case .library(let path) = allocator { return path }
    return allocator.description
  }
  /// The memory limit in force, nil for none.
  package var limit: UInt64? { (limitAxis ?? scenario.limit)?.bytes }
  /// The heap limit as set, nil for the default.
  package var heapLimit: SizeSpec? { heapLimitAxis ?? scenario.heapLimit }
  /// The arena cap in force, nil for glibc's own.
  package var arenaMax: Int? { TuningSetting.resolve(arenaMaxAxis, over: scenario.arenaMax) }
  /// The MALLOC_CONF in force, nil for none.
  package var mallocConf: String? { TuningSetting.resolve(mallocConfAxis, over: scenario.mallocConf) }

  /// The limit as the summary and file names write it, one spelling whatever its source: `256MiB` or `none`.
  package var limitName: String { limit.map(ByteSize.compact) ?? "none" }
  /// The heap limit in one spelling, `192MiB` or `75%`; empty for the default.
  package var heapLimitName: String { heapLimit?.compact ?? "" }

  /// The parts of the cell's file name, each in one spelling whatever its source; a setting the cell
  /// does not have adds no part.
  var nameParts: [String] {
    var parts = [scenario.name, allocatorName, limitName]
    if let heapLimit { parts.append("heap" + heapLimit.compact) }
    if let arenaMax { parts.append("arenas\(arenaMax)") }
    if let mallocConf { parts.append("conf-" + Self.fileSafe(mallocConf)) }
    return parts
  }

  /// How messages name the cell.
  package var label: String {
    var label = "\(scenario.name) under \(allocatorSpelling), limit \(limitName)"
    if let heapLimit { label += ", heap limit \(heapLimit.compact)" }
    if let arenaMax { label += ", arena-max \(arenaMax)" }
    if let mallocConf { label += ", malloc-conf \(mallocConf)" }
    return label
  }

  /// The most bytes of a MALLOC_CONF kept in a file name, so the name stays within NAME_MAX.
  static let confNameBytes = 64

  /// The allocator as part of a file name: `glibc`, `jemalloc`, or a library's path made safe, its last
  /// `confNameBytes` kept (the file's own name is the end of it): `x/libfoo.so` becomes `x_libfoo.so`.
  var allocatorName: String {
    guard case .library(let path) = allocator else { return allocator.description }
    return String(Self.fileSafe(String(path.reversed())).reversed())
  }

  /// A MALLOC_CONF as part of a file name: `key:value,key:value` becomes `key=value+key=value`, anything
  /// but letters, digits, `_`, `.` and `-` becomes `_`, cut to `confNameBytes`.
  static func fileSafe(_ conf: String) -> String {
    let mapped = conf.unicodeScalars.map { scalar -> Character in
      switch scalar {
      case ":": return "="
      case ",": return "+"
      case "a"..."z", "A"..."Z", "0"..."9", "_", ".", "-": return Character(scalar)
      default: return "_"
      }
    }
    return String(mapped.prefix(confNameBytes))
  }

  /// Why this cell cannot run, when one of its axis values does not apply to the allocator or limit it
  /// meets; nil when it can. A mismatch within the scenario alone is the scenario's error, not a skip.
  var skipReason: String? {
    if let arenaMax, allocator != .glibc, allocatorAxis != nil || arenaMaxAxis != nil {
      let source = arenaMaxAxis != nil ? "--arena-max \(arenaMax)" : "the scenario's arena-max \(arenaMax)"
      return "\(source) is glibc's, not \(allocator)'s"
    }
    if let mallocConf, allocator != .jemalloc, allocatorAxis != nil || mallocConfAxis != nil {
      let source = mallocConfAxis != nil ? "--malloc-conf \"\(mallocConf)\"" : "the scenario's malloc-conf \"\(mallocConf)\""
      return "\(source) is jemalloc's, not \(allocator)'s"
    }
    if case .percentOfLimit? = heapLimit, limit == nil, heapLimitAxis != nil || limitAxis != nil {
      let source = heapLimitAxis != nil ? "--heap-limit \(heapLimitName)" : "the scenario's heap-limit \(heapLimitName)"
      return "\(source) is a share of the memory limit, and the limit is none"
    }
    return nil
  }

  /// What the command line asks of this cell's run, before it is reconciled with the scenario.
  package func request(interval: UInt64?, enforce: EnforceMode, timeout: UInt64? = nil, oomGroup: Bool? = nil) -> RunRequest {
    var request = RunRequest(csvPath: "-")
    request.allocator = allocatorAxis
    request.memoryLimit = limitAxis.map { $0.bytes.map { "\($0)" } ?? "none" }
    request.heapLimit = heapLimitAxis.map(Self.written)
    request.arenaMax = arenaMaxAxis
    request.mallocConf = mallocConfAxis
    request.interval = interval
    request.enforce = enforce
    request.timeout = timeout
    request.oomGroup = oomGroup
    return request
  }

  /// A heap limit as `--heap-limit` takes it.
  static func written(_ spec: SizeSpec) -> String {
    switch spec {
    case .bytes(let bytes): return "\(bytes)"
    case .percentOfLimit(let percent): return "\(percent)%"
    }
  }
}
