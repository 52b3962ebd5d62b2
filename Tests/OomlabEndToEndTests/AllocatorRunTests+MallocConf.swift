import Foundation
import Testing

@testable import OomlabKit
import OomlabTestSupport

/// `--malloc-conf` under jemalloc: the worker reads every value back through `opt.<key>` and fails the
/// run (exit 3) on any jemalloc did not take, instead of listing it as applied.
extension AllocatorRunTests {
  static let quick = "name: quick\nsteps:\n  - native: { count: 1000, size: 1KiB }\n  - hold: 10ms\n"

  func runUnderJemalloc(_ conf: String) throws -> OomlabProcess.Result {
    try OomlabProcess.run(Self.quick, arguments: ["--allocator", "jemalloc", "--malloc-conf", conf])
  }

  /// The worker's failure message in the summary.
  func workerMessage(_ result: OomlabProcess.Result) -> String {
    result.firstProcess?.message ?? ""
  }

  @Test(.enabled(if: jemallocPath != nil, "jemalloc is not installed (apt-get install libjemalloc-dev)"))
  func aMallocConfJemallocTakesRunsAndIsListed() throws {
    // One value of each type: ssize_t (twice: the last wins), hex, unsigned, string, bool, size_t.
    let conf = "dirty_decay_ms:0,muzzy_decay_ms:0x0,narenas:3,percpu_arena:disabled,retain:true,"
      + "oversize_threshold:1048576,dirty_decay_ms:250"
    let result = try runUnderJemalloc(conf)
    defer { result.cleanUp() }
    #expect(result.status == 0, "\(result.stdout)\(result.stderr)")
    #expect(result.outcome == .completed)
    #expect(result.report?.tuning["malloc_conf"] == conf)
    #expect(!result.stderr.contains("<jemalloc>"), "\(result.stderr)")
  }

  @Test(
    .enabled(if: jemallocPath != nil, "jemalloc is not installed (apt-get install libjemalloc-dev)"),
    arguments: ["no_such_option:1", "narenas:2,bogus_key:true"])
  func anUnknownMallocConfKeyExitsThreeNamingIt(conf: String) throws {
    let key = String(conf.split(separator: ",").last!.prefix { $0 != ":" })
    let result = try runUnderJemalloc(conf)
    defer { result.cleanUp() }
    #expect(result.status == 3, "\(result.stdout)\(result.stderr)")
    #expect(result.outcome == .failed)
    let message = workerMessage(result)
    #expect(message.contains("malloc-conf key \"\(key)\"") && message.contains("no opt.\(key)"), "\(message)")
    #expect(result.stderr.contains("malloc-conf key \"\(key)\""), "\(result.stderr)")
  }

  @Test(
    .enabled(if: jemallocPath != nil, "jemalloc is not installed (apt-get install libjemalloc-dev)"),
    arguments: [
      "dirty_decay_ms:abc", "dirty_decay_ms:-5", "narenas:0", "retain:yes", "percpu_arena:sometimes",
      "tcache_max:99999999", "dirty_decay_ms:0,dirty_decay_ms:5ms",
    ])
  func aMallocConfValueJemallocRejectsExitsThreeNamingTheKeyAndBothValues(conf: String) throws {
    let last = conf.split(separator: ",").last!
    let key = String(last.prefix { $0 != ":" })
    let asked = String(last.dropFirst(key.count + 1))
    let result = try runUnderJemalloc(conf)
    defer { result.cleanUp() }
    #expect(result.status == 3, "\(result.stdout)\(result.stderr)")
    #expect(result.outcome == .failed)
    let message = workerMessage(result)
    #expect(message.contains("malloc-conf key \"\(key)\" asks for \"\(asked)\""), "\(message)")
    #expect(message.contains("opt.\(key) is "), "\(message)")
  }

  @Test(.enabled(if: jemallocPath != nil, "jemalloc is not installed (apt-get install libjemalloc-dev)"))
  func aMalformedMallocConfExitsThree() throws {
    let result = try runUnderJemalloc("dirty_decay_ms:0, narenas:2")
    defer { result.cleanUp() }
    #expect(result.status == 3, "\(result.stdout)\(result.stderr)")
    #expect(workerMessage(result).contains("is malformed at \" narenas:2\""), "\(workerMessage(result))")
  }
}
