import ArgumentParser
import OomlabKit

/// Whether `RunArguments` configure one run or a matrix of runs, which reads its axes as lists.
protocol RunShape {
  /// Whether the axes take lists of values, crossed into one run per combination.
  static var sweeps: Bool { get }
}

/// `run`: each option takes one value.
enum OneRun: RunShape { static let sweeps = false }

/// `matrix`: the axes take lists.
enum Sweep: RunShape { static let sweeps = true }

/// The options `run` and `matrix` share: they override the scenario's own settings; `matrix` crosses the lists
/// its axes (`--allocator`, `--memory-limit`, `--heap-limit`, `--arena-max`, `--malloc-conf`) are given.
struct RunArguments<Shape: RunShape>: ParsableArguments {
  /// One help text for `run` and another for `matrix`.
  static func help(_ one: String, sweep: String) -> ArgumentHelp { ArgumentHelp(Shape.sweeps ? sweep : one) }

  // `.unconditional` takes the next word as the value even when it starts with `-`, so
  // `--interval -5ms` gets a range error naming the flag instead of "Missing value".
  @Option(
    name: .customLong("interval"), parsing: .unconditional,
    help: help(
      "Sampling interval from 1ms to 1h, like 10ms or 1s (default: the scenario's sample:, else 100ms).",
      sweep: "Sampling interval of every cell, from 1ms to 1h, like 10ms or 1s (default: each scenario's sample:, else 100ms)."))
  var interval: String?

  @Option(
    help: help(
      "The worker's malloc: glibc, jemalloc, or a path to a preloadable .so (default: the scenario's allocator:).",
      sweep: "Allocators to cross, comma-separated, like glibc,jemalloc (default: each scenario's allocator:)."))
  var allocator: String?

  @Option(
    parsing: .unconditional,
    help: help(
      "Worker memory limit like 256MiB, 256Mi or 256m, or none (default: the scenario's limit:).",
      sweep: "Memory limits to cross, comma-separated, like 256Mi,512Mi,none (default: each scenario's limit:)."))
  var memoryLimit: String?

  @Option(
    help: "How to enforce the memory limit: auto (a cgroup, else the container's limit), cgroup (a cgroup or fail with status 3), simulated (no cgroup: the supervisor kills at RSS >= limit).")
  var enforce: EnforceMode = .auto

  @Flag(
    inversion: .prefixedNo,
    help: "Whether the OOM killer takes every worker at once, as Kubernetes sets for a pod (cgroup v2 memory.oom.group; default: the scenario's oom-group:).")
  var oomGroup: Bool?

  @Option(
    parsing: .unconditional,
    help: help(
      "Managed heap limit like 192MiB or 75% of the memory limit (default: the scenario's heap-limit:).",
      sweep: "Heap limits to cross, comma-separated, like 50%,75%,100% of each cell's memory limit, or sizes like 192MiB (default: each scenario's heap-limit:)."))
  var heapLimit: String?

  // Repeated rather than comma-separated in a matrix: a MALLOC_CONF holds commas itself.
  @Option(
    parsing: .unconditionalSingleValue,
    help: help(
      "jemalloc's MALLOC_CONF for the worker, like dirty_decay_ms:0,muzzy_decay_ms:0, or none (default: the scenario's malloc-conf:).",
      sweep: "A jemalloc MALLOC_CONF to cross, or none; repeat the option for several (a MALLOC_CONF holds commas). Cells under another allocator are skipped, except for none."))
  var mallocConf: [String] = []

  // A string, not an Int, so that `-3` and `lots` get the same range error as `0`.
  @Option(
    parsing: .unconditional,
    help: help(
      "glibc's arena cap for the worker (glibc.malloc.arena_max tunable), 1...1024, or none for glibc's own (default: the scenario's arena-max:).",
      sweep: "glibc arena caps to cross, comma-separated, each 1...1024 or none, like none,1,4. Cells under another allocator are skipped, except for none."))
  var arenaMax: String?

  @Option(
    help: help(
      "End the run after this long, like 30s or 5m, with outcome timeout: run kills its workers (default: the scenario's timeout:); exec sends the command's tree SIGTERM, then SIGKILL 5 s later.",
      sweep: "End each cell's run after this long, like 30s or 5m, with outcome timeout (default: each scenario's timeout:)."))
  var timeout: String?

  @Flag(help: "Draw no live status line on standard error (it is drawn only when standard error is a terminal).")
  var quiet = false

  func validate() throws {
    if let timeout, timeoutNanoseconds == nil {
      throw ValidationError(
        "--timeout expects a duration above zero like \(DurationValue.spellings), up to 24h, got \"\(timeout.escapingNonPrintable)\"")
    }
    if let interval, SampleInterval.parse(interval) == nil {
      throw ValidationError("--interval expects \(SampleInterval.range), got \"\(interval.escapingNonPrintable)\"")
    }
    if Shape.sweeps {
      do {
        _ = try axes()
      } catch {
        throw ValidationError(error.description)
      }
      return
    }
    if let memoryLimit, LimitSetting(parsing: memoryLimit) == nil {
      throw ValidationError("--memory-limit expects \(ByteSize.spellings), or none, got \"\(memoryLimit.escapingNonPrintable)\"")
    }
    if let arenaMax, TuningSetting<Int>(arenaMax: arenaMax) == nil {
      throw ValidationError("--arena-max expects \(MatrixAxes.expectations["--arena-max"]!), got \"\(arenaMax.escapingNonPrintable)\"")
    }
    if mallocConf.count > 1 {
      throw ValidationError("--malloc-conf is given \(mallocConf.count) times; a run takes one (`oomlab matrix` crosses several)")
    }
    if let conf = mallocConf.first, TuningSetting<String>(mallocConf: conf) == nil {
      throw ValidationError("--malloc-conf is empty: give \(MatrixAxes.expectations["--malloc-conf"]!)")
    }
  }

  /// The axes a matrix crosses, read from the options.
  func axes() throws(MatrixUsageError) -> MatrixAxes {
    try MatrixAxes.parse(
      allocator: allocator, memoryLimit: memoryLimit, heapLimit: heapLimit, arenaMax: arenaMax, mallocConf: mallocConf)
  }

  /// The timeout asked for, in nanoseconds; nil when none was given or it is out of range.
  var timeoutNanoseconds: UInt64? {
    timeout.flatMap(DurationValue.parseNanoseconds).flatMap { (1...ScenarioBounds.maximumStepDuration).contains($0) ? $0 : nil }
  }

  /// The options as given, for another `oomlab` to repeat them: all but `--enforce`, which the repeater sets.
  var repeated: [String] {
    var words: [String] = []
    for (flag, value) in [
      ("--interval", interval), ("--allocator", allocator), ("--memory-limit", memoryLimit), ("--heap-limit", heapLimit),
      ("--arena-max", arenaMax), ("--timeout", timeout),
    ] {
      if let value { words += [flag, value] }
    }
    for conf in mallocConf { words += ["--malloc-conf", conf] }
    if let oomGroup { words.append(oomGroup ? "--oom-group" : "--no-oom-group") }
    return words
  }

  /// The sampling interval asked for, in nanoseconds.
  var intervalNanoseconds: UInt64? { interval.flatMap(SampleInterval.parse) }

  /// The request these options make for one run, with its outputs.
  func request(csvPath: String, summaryPath: String?) -> RunRequest {
    var request = RunRequest(csvPath: csvPath)
    request.allocator = allocator
    request.memoryLimit = memoryLimit
    request.heapLimit = heapLimit
    request.interval = intervalNanoseconds
    request.mallocConf = mallocConf.first.flatMap { TuningSetting(mallocConf: $0) }
    request.arenaMax = arenaMax.flatMap { TuningSetting(arenaMax: $0) }
    request.enforce = enforce
    request.oomGroup = oomGroup
    request.timeout = timeoutNanoseconds
    request.summaryPath = summaryPath
    return request
  }
}

extension EnforceMode: ExpressibleByArgument {}
