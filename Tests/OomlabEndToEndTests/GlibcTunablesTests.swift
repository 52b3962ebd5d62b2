import Foundation
import Glibc
import Testing

import OomlabTestSupport

/// The GLIBC_TUNABLES oomlab is started with reach the worker, with `--arena-max` added after them.
@Suite struct GlibcTunablesTests {
  static let arenas = """
    name: arenas
    sample: 50ms
    steps:
      - native: { count: 40000, size: [64, 2KiB], threads: 8 }
      - hold: 200ms
    """

  /// Runs `yaml` with `environment` added to oomlab's, calling `whileRunning` with the CSV's path.
  static func run(_ yaml: String, _ arguments: [String], environment: [String: String], whileRunning: ((URL) -> Void)? = nil)
    throws -> OomlabProcess.Result
  {
    try OomlabProcess.run(
      yaml, arguments: ["--allocator", "glibc"] + arguments, environment: environment,
      whileRunning: whileRunning.map { body in { body($1) } })
  }

  @Test func theCallersArenaCapReachesTheWorker() throws {
    let result = try Self.run(Self.arenas, [], environment: ["GLIBC_TUNABLES": "glibc.malloc.arena_max=1"])
    defer { result.cleanUp() }
    #expect(result.status == 0, "\(result.stderr)")
    #expect(try #require(result.csv?.max("allocator_arenas")) == 1)
  }

  @Test func arenaMaxIsAddedAfterTheCallersTunables() throws {
    var environ = ""
    let result = try Self.run(
      "name: held\nsample: 20ms\nsteps:\n  - hold: 1s\n", ["--arena-max", "2"],
      environment: ["GLIBC_TUNABLES": "glibc.malloc.mmap_threshold=65536"]
    ) { csv in
      // The worker's pid is in its first row; its environment is read while it holds.
      environ =
        Poll.value(within: 10, every: 0.01) {
          let table = CSVTable(contentsOf: csv)
          guard let pid = table.column("pid").first.flatMap(Int32.init),
            let data = FileManager.default.contents(atPath: "/proc/\(pid)/environ")
          else { return nil }
          return String(decoding: data, as: UTF8.self)
        } ?? ""
    }
    defer { result.cleanUp() }
    #expect(result.status == 0, "\(result.stderr)")
    // glibc parses the variable in place at start-up, writing a NUL over each `:`: either is the separator.
    let written = ("\0" + environ).replacingOccurrences(of: "\0glibc.", with: ":glibc.")
    #expect(
      written.contains("\0GLIBC_TUNABLES=glibc.malloc.mmap_threshold=65536:glibc.malloc.arena_max=2\0"),
      "\(written.split(separator: "\0").filter { $0.hasPrefix("GLIBC") })")
  }
}
