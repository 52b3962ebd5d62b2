import ArgumentParser
import OomlabKit

/// The options `run` and `matrix` share: they override the scenario's own settings.
struct RunArguments: ParsableArguments {
  @Option(name: .customLong("interval"), help: "Sampling interval, like 10ms or 1s (default: the scenario's sample:, else 100ms).")
  var interval: String?

  @Option(help: "Worker memory limit like 256MiB, or none (default: the scenario's limit:).")
  var memoryLimit: String?

  @Option(help: "How to enforce --memory-limit without a cgroup: auto (cgroup, else the container's limit), cgroup (fail with status 3), simulated (kill at RSS >= limit).")
  var enforce: EnforceMode = .auto

  @Option(help: "Managed heap limit like 192MiB or 75% of the memory limit (default: the scenario's heap-limit:).")
  var heapLimit: String?

  @Option(help: "jemalloc's MALLOC_CONF for the worker, like dirty_decay_ms:0,muzzy_decay_ms:0.")
  var mallocConf: String?

  @Option(help: "glibc's arena cap for the worker (glibc.malloc.arena_max tunable).")
  var arenaMax: Int?

  func validate() throws {
    if let interval {
      guard let ns = DurationValue.parseNanoseconds(interval), ns >= 1_000_000 else {
        throw ValidationError("--interval expects a duration of at least 1ms like 10ms or 1s, got \"\(interval)\"")
      }
    }
    if let memoryLimit, memoryLimit != "none", case .failure = ByteSize.parse(memoryLimit) {
      throw ValidationError("--memory-limit expects a size like 256MiB or none, got \"\(memoryLimit)\"")
    }
    if let arenaMax, !(1...1024).contains(arenaMax) {
      throw ValidationError("--arena-max expects 1...1024, got \(arenaMax)")
    }
  }

  /// The request these options make, with the allocator and outputs given.
  func request(allocator: String?, csvPath: String, summaryPath: String?) -> RunRequest {
    var request = RunRequest(csvPath: csvPath)
    request.allocator = allocator
    request.memoryLimit = memoryLimit
    request.heapLimit = heapLimit
    request.interval = interval.flatMap(DurationValue.parseNanoseconds)
    request.mallocConf = mallocConf
    request.arenaMax = arenaMax
    request.enforce = enforce
    request.summaryPath = summaryPath
    return request
  }
}

extension EnforceMode: ExpressibleByArgument {}
