import Glibc

/// What the command line asks of a run, before it is reconciled with the scenario.
public struct RunRequest {
  public var allocator: String?
  public var memoryLimit: String?
  public var heapLimit: String?
  public var interval: UInt64?
  public var mallocConf: String?
  public var arenaMax: Int?
  public var csvPath: String
  public var summaryPath: String?
  public var enforce: EnforceMode = .auto

  /// Creates a request writing the CSV to `csvPath`.
  public init(csvPath: String) { self.csvPath = csvPath }
}

/// Why a run cannot start: bad input (exit 2) or an environment that cannot do it (exit 3).
public struct RunRefusal: Error, CustomStringConvertible {
  public let status: ExitStatus
  public let description: String
}

extension RunOptions {
  /// Reconciles the command line with the scenario (the command line wins) and locates the allocator.
  public static func resolve(_ scenario: Scenario, _ request: RunRequest, environment: [String: String]) throws
    -> RunOptions
  {
    // Both outputs must be writable before anything runs: a run is not thrown away at the end
    // because its summary had nowhere to go.
    for (flag, path) in [("--csv", request.csvPath), ("--summary", request.summaryPath)] {
      guard let path, path != "-" else { continue }
      let directory = path.contains("/") ? String(path[..<path.lastIndex(of: "/")!]) : "."
      guard access(directory.isEmpty ? "/" : directory, W_OK) == 0 else {
        throw RunRefusal(
          status: .badInput,
          description: "\(flag) \"\(path)\": cannot write in \"\(directory)\": \(String(cString: strerror(errno)))")
      }
    }
    var options = RunOptions(scenario: scenario, csvPath: request.csvPath)
    options.summaryPath = request.summaryPath
    if let interval = request.interval, !SampleInterval.contains(interval) {
      throw RunRefusal(
        status: .badInput, description: "--interval expects \(SampleInterval.range), got \(DurationValue.format(interval))")
    }
    options.interval = request.interval ?? scenario.sampleInterval ?? SampleInterval.standard
    if let text = request.memoryLimit {
      if text == "none" {
        options.limit = nil
      } else {
        guard case .success(let bytes) = ByteSize.parse(text) else {
          throw RunRefusal(status: .badInput, description: "--memory-limit expects a size like 256MiB or none, got \"\(text)\"")
        }
        options.limit = bytes
      }
    } else {
      options.limit = scenario.limit ?? nil
    }
    let choice = AllocatorChoice(request.allocator ?? scenario.allocator ?? "glibc")
    // The same checks `validate` makes; what the command line replaces is checked here instead.
    var overridden: Set<String> = []
    if request.heapLimit != nil { overridden.insert("heap-limit") }
    if request.mallocConf != nil { overridden.insert("malloc-conf") }
    if request.arenaMax != nil { overridden.insert("arena-max") }
    if let first = scenario.problems(limit: options.limit, allocator: choice, overridden: overridden).first { throw first }
    options.heapLimit = try heapLimit(scenario, request, limit: options.limit)
    options.workerArguments += ["--heap-limit", "\(options.heapLimit)"]
    options.enforce = request.enforce
    options.allocator = choice
    let preload: String?
    do {
      preload = try AllocatorLocator.resolve(choice, environment: environment)
    } catch {
      throw RunRefusal(status: .environment, description: "\(error)")
    }
    if let preload {
      let existing = environment["LD_PRELOAD"].map { " " + $0 } ?? ""
      options.workerEnvironment["LD_PRELOAD"] = preload + existing
      options.workerArguments += ["--preloaded", preload]
    }
    options.workerArguments += ["--allocator", "\(choice == .glibc ? "glibc" : choice == .jemalloc ? "jemalloc" : preload ?? "")"]
    options.workerArguments += ["--interval", "\(options.interval)"]
    if let conf = request.mallocConf ?? scenario.mallocConf {
      guard choice == .jemalloc else {
        throw RunRefusal(status: .badInput, description: "malloc-conf \"\(conf)\" is jemalloc's; the allocator is \(choice)")
      }
      options.workerEnvironment["MALLOC_CONF"] = conf
      options.tuning["malloc_conf"] = conf
    }
    if let arenas = request.arenaMax ?? scenario.arenaMax {
      guard choice == .glibc else {
        throw RunRefusal(status: .badInput, description: "arena-max \(arenas) is glibc's; the allocator is \(choice)")
      }
      let existing = environment["GLIBC_TUNABLES"].map { $0 + ":" } ?? ""
      options.workerEnvironment["GLIBC_TUNABLES"] = existing + "glibc.malloc.arena_max=\(arenas)"
      options.tuning["arena_max"] = "\(arenas)"
    }
    return options
  }

  /// The heap limit in bytes: `--heap-limit` wins over `heap-limit:`; a share needs a memory limit.
  static func heapLimit(_ scenario: Scenario, _ request: RunRequest, limit: UInt64?) throws -> UInt64 {
    let spec: SizeSpec
    if let text = request.heapLimit {
      guard let parsed = SizeSpec.parse(text) else {
        throw RunRefusal(
          status: .badInput,
          description: "--heap-limit expects a size like 192MiB or a share of the memory limit like 75%, got \"\(text)\"")
      }
      spec = parsed
    } else if let written = scenario.heapLimit {
      spec = written
    } else {
      return ManagedHeap.defaultLimit
    }
    guard let bytes = spec.resolve(limit: limit) else {
      throw RunRefusal(
        status: .badInput, description: "a heap limit of \(spec) needs a memory limit; set limit: or --memory-limit")
    }
    // The same rule Scenario.problems applies to the scenario's own heap-limit:.
    if let problem = ScenarioBounds.heapLimitProblem(bytes) {
      let source = request.heapLimit.map { "--heap-limit \"\($0)\"" } ?? "heap-limit"
      throw RunRefusal(status: .badInput, description: "\(source): \(problem)")
    }
    return bytes
  }
}
