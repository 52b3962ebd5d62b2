import ArgumentParser
import OomlabKit

/// The options `run` and `matrix` share: they override the scenario's own settings.
struct RunArguments: ParsableArguments {
  // `.unconditional` takes the next word as the value even when it starts with `-`, so
  // `--interval -5ms` gets a range error naming the flag instead of "Missing value".
  @Option(
    name: .customLong("interval"), parsing: .unconditional,
    help: "Sampling interval from 1ms to 1h, like 10ms or 1s (default: the scenario's sample:, else 100ms).")
  var interval: String?

  @Option(parsing: .unconditional, help: "Worker memory limit like 256MiB, or none (default: the scenario's limit:).")
  var memoryLimit: String?

  @Option(help: "How to enforce --memory-limit: auto (a cgroup, else the container's limit), cgroup (a cgroup or fail with status 3), simulated (no cgroup: the supervisor kills at RSS >= limit).")
  var enforce: EnforceMode = .auto

  @Option(
    parsing: .unconditional,
    help: "Managed heap limit like 192MiB or 75% of the memory limit (default: the scenario's heap-limit:).")
  var heapLimit: String?

  @Option(help: "jemalloc's MALLOC_CONF for the worker, like dirty_decay_ms:0,muzzy_decay_ms:0.")
  var mallocConf: String?

  // A string, not an Int, so that `-3` and `lots` get the same range error as `0`.
  @Option(parsing: .unconditional, help: "glibc's arena cap for the worker (glibc.malloc.arena_max tunable), 1...1024.")
  var arenaMax: String?

  func validate() throws {
    if let interval, SampleInterval.parse(interval) == nil {
      throw ValidationError("--interval expects \(SampleInterval.range), got \"\(interval.escapingNonPrintable)\"")
    }
    if let memoryLimit, memoryLimit != "none", case .failure = ByteSize.parse(memoryLimit) {
      throw ValidationError("--memory-limit expects \(ByteSize.spellings), or none, got \"\(memoryLimit.escapingNonPrintable)\"")
    }
    if let arenaMax, Int(arenaMax).map({ (1...1024).contains($0) }) != true {
      throw ValidationError("--arena-max expects an integer in 1...1024, got \"\(arenaMax.escapingNonPrintable)\"")
    }
  }

  /// The request these options make, with the allocator and outputs given.
  func request(allocator: String?, csvPath: String, summaryPath: String?) -> RunRequest {
    var request = RunRequest(csvPath: csvPath)
    request.allocator = allocator
    request.memoryLimit = memoryLimit
    request.heapLimit = heapLimit
    request.interval = interval.flatMap(SampleInterval.parse)
    request.mallocConf = mallocConf
    request.arenaMax = arenaMax.flatMap { Int($0) }
    request.enforce = enforce
    request.summaryPath = summaryPath
    return request
  }
}

extension EnforceMode: ExpressibleByArgument {}
