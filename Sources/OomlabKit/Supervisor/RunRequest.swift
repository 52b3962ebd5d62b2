import Glibc

/// What the command line asks of a run, before it is reconciled with the scenario.
package struct RunRequest {
  package var allocator: String?
  package var memoryLimit: String?
  package var heapLimit: String?
  package var interval: UInt64?
  /// jemalloc's MALLOC_CONF: none, a value, or nil for the scenario's own.
  package var mallocConf: TuningSetting<String>?
  /// glibc's arena cap: none, a value, or nil for the scenario's own.
  package var arenaMax: TuningSetting<Int>?
  package var csvPath: String
  /// Whether `csvPath` is a generated default name, which never replaces a file: a taken name gets -1, -2, ...
  package var csvPathIsGenerated = false
  /// Where the JSON summary goes, if anywhere; `-` is standard output.
  package var summaryPath: String?
  package var enforce: EnforceMode = .auto
  /// `--oom-group`: whether the OOM killer takes all workers at once; nil leaves it to the scenario.
  package var oomGroup: Bool?
  /// `--timeout` in nanoseconds; nil leaves it to the scenario's `timeout:`.
  package var timeout: UInt64?

  /// Creates a request writing the CSV to `csvPath`.
  package init(csvPath: String) { self.csvPath = csvPath }
}

/// Why a run cannot start: bad input (exit 2) or an environment that cannot do it (exit 3).
package struct RunRefusal: Error, CustomStringConvertible {
  package let status: ExitStatus
  package let description: String
}

extension RunOptions {
  /// Reconciles the command line with the scenario (the command line wins) and locates the allocator.
  package static func resolve(_ scenario: Scenario, _ request: RunRequest, environment: [String: String]) throws
    -> RunOptions
  {
    if request.allocator?.isEmpty == true {
      throw RunRefusal(status: .badInput, description: "--allocator is empty: name glibc, jemalloc or a preloadable .so")
    }
    // Both outputs are checked and the CSV opened before anything runs: a run is not thrown away at the end
    // because its summary had nowhere to go, and a refusal further down removes the CSV this created.
    let csv = try openOutputs(
      csv: request.csvPath, generated: request.csvPathIsGenerated, summary: request.summaryPath, scenario: scenario,
      allocator: AllocatorChoice(request.allocator ?? scenario.allocator ?? "glibc"))
    var options = RunOptions(scenario: scenario, csv: csv)
    options.summaryPath = request.summaryPath
    if let interval = request.interval, !SampleInterval.contains(interval) {
      throw RunRefusal(
        status: .badInput, description: "--interval expects \(SampleInterval.range), got \(DurationValue.format(interval))")
    }
    options.interval = request.interval ?? scenario.sampleInterval ?? SampleInterval.standard
    options.timeout = request.timeout ?? scenario.timeout
    if let text = request.memoryLimit {
      if text == "none" {
        options.limit = nil
      } else {
        guard case .success(let bytes) = ByteSize.parse(text) else {
          throw RunRefusal(status: .badInput, description: "--memory-limit expects \(ByteSize.spellings), or none, got \"\(text)\"")
        }
        options.limit = bytes
      }
    } else {
      options.limit = scenario.limit?.bytes
    }
    let choice = AllocatorChoice(request.allocator ?? scenario.allocator ?? "glibc")
    // The same checks `validate` makes; what the command line replaces is checked here instead.
    var overridden: Set<String> = []
    if request.heapLimit != nil { overridden.insert("heap-limit") }
    if request.mallocConf != nil { overridden.insert("malloc-conf") }
    if request.arenaMax != nil { overridden.insert("arena-max") }
    if let first = scenario.problems(limit: options.limit, allocator: choice, overridden: overridden).first { throw first }
    options.heapLimit = try heapLimit(scenario, request, limit: options.limit)
    options.limitShares = scenario.percentFields.filter { !overridden.contains($0.field) }.map { "\($0.field) \($0.written)" }
    if let text = request.heapLimit, case .percentOfLimit? = SizeSpec.parse(text) { options.limitShares.append("--heap-limit \(text)") }
    options.enforce = request.enforce
    options.oomGroup = request.oomGroup ?? scenario.oomGroup
    options.allocator = choice
    let setup = try AllocatorSetup.make(
      choice, mallocConf: TuningSetting.resolve(request.mallocConf, over: scenario.mallocConf),
      arenaMax: TuningSetting.resolve(request.arenaMax, over: scenario.arenaMax), environment: environment)
    options.workerEnvironment = setup.environment
    options.preloaded = setup.preloaded
    options.tuning = setup.tuning
    return options
  }

  /// Points the run at other outputs, checked and opened as `resolve` does; a matrix resolves its cells
  /// before their folder exists and opens each cell's files only when that cell starts.
  package mutating func record(toCSV path: String, summary: String?) throws {
    csv = try Self.openOutputs(csv: path, generated: false, summary: summary, scenario: scenario, allocator: allocator)
    summaryPath = summary
  }

  /// Checks the outputs against the run's inputs (the scenario, a preloaded library) and opens the CSV.
  static func openOutputs(
    csv: String, generated: Bool, summary: String?, scenario: Scenario, allocator: AllocatorChoice
  ) throws -> CSVWriter {
    var inputs = [(name: "the scenario", path: scenario.file)]
    if case .library(let path) = allocator { inputs.append((name: "the allocator", path: path)) }
    do {
      return try OutputFile.openRunOutputs(csv: csv, csvIsGenerated: generated, summary: summary, inputs: inputs)
    } catch let error as OutputError {
      throw RunRefusal(status: error.status, description: error.description)
    }
  }

  /// The smallest heap limit accepted.
  static let minimumHeapLimit: UInt64 = 1 << 20

  /// The heap limit in bytes: `--heap-limit` wins over `heap-limit:`; a share needs a memory limit.
  static func heapLimit(_ scenario: Scenario, _ request: RunRequest, limit: UInt64?) throws -> UInt64 {
    let spec: SizeSpec
    if let text = request.heapLimit {
      guard let parsed = SizeSpec.parse(text) else {
        throw RunRefusal(
          status: .badInput,
          description: "--heap-limit expects \(ByteSize.spellings), or a share of the memory limit like 75%, got \"\(text)\"")
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
