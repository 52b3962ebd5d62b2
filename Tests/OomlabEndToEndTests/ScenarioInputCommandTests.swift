import Foundation
import Glibc
import Testing

@testable import OomlabKit
import OomlabTestSupport

/// `validate`, `run` and `list` on hostile or mistaken input, through the built binary, each bounded
/// in memory and time so a regression fails rather than hangs or fills the machine.
@Suite struct ScenarioInputCommandTests {
  /// A temporary folder removed when the test ends.
  final class Folder {
    let url: URL
    init() throws { url = try OomlabProcess.temporaryDirectory() }
    deinit { try? FileManager.default.removeItem(at: url) }
    func path(_ name: String) -> String { url.appendingPathComponent(name).path }
    @discardableResult func write(_ name: String, _ text: String) throws -> String {
      try text.write(toFile: path(name), atomically: false, encoding: .utf8)
      return path(name)
    }
  }

  static func oomlab(_ arguments: [String], in folder: Folder, deadline: Double = 30) throws -> BoundedOomlab.Result {
    let result = try BoundedOomlab.run(arguments, in: folder.url, deadline: deadline)
    #expect(!result.killed, "oomlab \(arguments.joined(separator: " ")) was still running after \(deadline) s")
    return result
  }

  // MARK: - Item 1: alias expansion

  @Test(
    "aliases that multiply are refused at once in bounded memory",
    arguments: [
      ("validate", ScenarioCorpus.laughingSteps, "14:43"), ("run", ScenarioCorpus.laughingSteps, "14:43"),
      ("list", ScenarioCorpus.laughingSteps, "14:43"), ("validate", ScenarioCorpus.laughingKey, "7:45"),
    ])
  func aliasesThatMultiplyAreRefusedAtOnce(_ command: String, _ yaml: String, _ place: String) throws {
    let folder = try Folder()
    let path = try folder.write("laughs.yaml", yaml)
    let result = try Self.oomlab(command == "list" ? ["list", folder.url.path] : [command, path], in: folder)
    #expect(result.status == 2, "\(result.stderr)")
    #expect(result.stderr.contains("laughs.yaml:\(place): the alias *"), "\(result.stderr)")
    #expect(result.stderr.contains("YAML nodes; expected at most 10000"))
    // At once: the whole check is a few milliseconds of work; the bound allows for a loaded machine.
    #expect(result.seconds < 10, "took \(result.seconds) s")
  }

  // MARK: - Item 2: unbounded reads

  @Test func validateDevZeroIsRefusedUnread() throws {
    let folder = try Folder()
    let result = try Self.oomlab(["validate", "/dev/zero"], in: folder)
    #expect(result.status == 2)
    #expect(result.stderr == "oomlab: /dev/zero: expected a regular file, got a character device\n")
  }

  @Test("a FIFO scenario does not hang", arguments: ["validate", "run", "list"])
  func aFIFOScenarioDoesNotHang(_ command: String) throws {
    let folder = try Folder()
    try folder.write("good.yaml", "name: good\nabout: fine\nsteps:\n  - hold: 1ms\n")
    let fifo = folder.path("pipe.yaml")
    #expect(mkfifo(fifo, 0o600) == 0)
    let result = try Self.oomlab(command == "list" ? ["list", folder.url.path] : [command, fifo], in: folder)
    #expect(result.status == 2, "\(result.stderr)")
    // validate and run wait a few seconds for a writer; list takes only files.
    let refusal = command == "list" ? "pipe.yaml: expected a regular file, got a FIFO (named pipe)" : "pipe.yaml: a pipe with no writer"
    #expect(result.stderr.contains(refusal), "\(result.stderr)")
    if command == "list" { #expect(result.stdout.contains("good.yaml\n  expect: completed\n  fine")) }
    // Nothing was run: no CSV appeared beside the scenarios.
    let left = try FileManager.default.contentsOfDirectory(atPath: folder.url.path).sorted()
    #expect(left == ["good.yaml", "pipe.yaml"])
  }

  @Test func anOversizedScenarioIsRefused() throws {
    let folder = try Folder()
    let path = try folder.write("big.yaml", "name: big\nsteps:\n  - hold: 1ms\n" + String(repeating: "# padding\n", count: 500_000))
    let result = try Self.oomlab(["validate", path], in: folder)
    #expect(result.status == 2)
    #expect(result.stderr.contains("big.yaml: the file is 5000031 bytes; expected a scenario of at most 4MiB (4194304 bytes)"), "\(result.stderr)")
  }

  // MARK: - Items 21 and 22: one validation for validate and run

  /// Scenarios `run` refused while `validate` passed them, and what both must now say.
  static let refusedByBoth: [(label: String, yaml: String, message: String)] = [
    ("heap-limit of 100 bytes", "name: x\nheap-limit: 100\nsteps:\n  - hold: 1ms\n",
     "s.yaml:2:13: heap-limit: a heap limit of 100 bytes is below 1MiB"),
    ("malloc-conf under glibc", "name: x\nmalloc-conf: \"dirty_decay_ms:0\"\nsteps:\n  - hold: 1ms\n",
     "s.yaml:2:14: malloc-conf: malloc-conf \"dirty_decay_ms:0\" is jemalloc's; the allocator is glibc"),
    ("a 300-byte name", "name: \(String(repeating: "n", count: 300))\nsteps:\n  - hold: 1ms\n",
     "s.yaml:1:7: name: expected a name of at most 128 bytes"),
    ("heap-limit: 75% without a limit", "name: x\nheap-limit: 75%\nsteps:\n  - hold: 1ms\n",
     "s.yaml:2:13: heap-limit: a percentage needs a memory limit; set limit: or --memory-limit"),
    ("a share of 0 bytes", "name: x\nlimit: 1MiB\nsteps:\n  - buffers: { count: 1, size: 0.00001% }\n",
     "s.yaml:4:32: steps[0].buffers.size: \"0.00001%\" of the 1048576-byte limit is 0 bytes; expected a size above zero"),
    ("pages of 2^63-1 bytes", "name: x\nsteps:\n  - pages: { size: 9223372036854775807 }\n",
     "s.yaml:3:20: steps[0].pages.size: expected at most 1TiB (1099511627776 bytes), got \"9223372036854775807\""),
    ("sample: 299999999m", "name: x\nsample: 299999999m\nsteps:\n  - hold: 1ms\n",
     "s.yaml:2:9: sample: expected a duration from 1ms to 1h, like 10ms, 1s, 5m or 1h, got \"299999999m\""),
  ]

  @Test("validate refuses what run refuses, with the same words", arguments: refusedByBoth)
  func validateRefusesWhatRunRefuses(_ bad: (label: String, yaml: String, message: String)) throws {
    let folder = try Folder()
    try folder.write("s.yaml", bad.yaml)
    let validate = try Self.oomlab(["validate", "s.yaml"], in: folder)
    #expect(validate.status == 2, "\(bad.label): \(validate.stdout)")
    #expect(validate.stderr.contains(bad.message), "\(bad.label): \(validate.stderr)")
    let run = try Self.oomlab(["run", "s.yaml", "--csv", folder.path("out.csv")], in: folder)
    #expect(run.status == 2, "\(bad.label): \(run.stderr)")
    #expect(run.stderr.contains(bad.message), "\(bad.label): \(run.stderr)")
    #expect(!FileManager.default.fileExists(atPath: folder.path("out.csv")))
  }

  @Test func validateChecksSharesAgainstTheLimitItIsGiven() throws {
    let folder = try Folder()
    try folder.write("s.yaml", "name: x\nheap-limit: 75%\nsteps:\n  - hold: 1ms\n")
    let given = try Self.oomlab(["validate", "s.yaml", "--memory-limit", "1GiB"], in: folder)
    #expect(given.status == 0, "\(given.stderr)")
    #expect(given.stdout == "s.yaml: ok (x, 1 step)\n")
    let tooSmall = try Self.oomlab(["validate", "s.yaml", "--memory-limit", "1MiB"], in: folder)
    #expect(tooSmall.status == 2)
    #expect(tooSmall.stderr.contains("s.yaml:2:13: heap-limit: \"75%\" of the 1048576-byte limit is 786432 bytes, below the smallest heap limit"))
    let negative = try Self.oomlab(["validate", "s.yaml", "--memory-limit", "-1"], in: folder)
    #expect(negative.status == 2)
    #expect(negative.stderr.contains("--memory-limit expects a size like 512MiB, 512Mi, 512m, 4KB or 4096, or none, got \"-1\""))
  }

  @Test func validateChecksTuningAgainstTheAllocatorItIsGiven() throws {
    let folder = try Folder()
    try folder.write("s.yaml", "name: x\nmalloc-conf: \"dirty_decay_ms:0\"\nsteps:\n  - hold: 1ms\n")
    let result = try Self.oomlab(["validate", "s.yaml", "--allocator", "jemalloc"], in: folder)
    #expect(result.status == 0, "\(result.stderr)")
  }

  @Test func validateReportsEveryProblemInEachFile() throws {
    let folder = try Folder()
    try folder.write(
      "many.yaml",
      "name: x\nheap-limit: 100\nsample: 0ms\nmalloc-conf: \"a:1\"\nsteps:\n  - hold: forever\n  - buffers: { count: 1, size: 2TiB }\n")
    try folder.write("good.yaml", "name: good\nsteps:\n  - hold: 1ms\n")
    try folder.write("bad.yaml", "name: bad\nsteps:\n  - hold: never\n")
    let result = try Self.oomlab(["validate", "many.yaml", "good.yaml", "bad.yaml"], in: folder)
    #expect(result.status == 2)
    #expect(result.stdout == "good.yaml: ok (good, 1 step)\n")
    let lines = result.stderr.split(separator: "\n").map(String.init)
    #expect(lines.map { $0.split(separator: ":").prefix(3).joined(separator: ":") } == [
      "oomlab: many.yaml:2", "oomlab: many.yaml:3", "oomlab: many.yaml:4", "oomlab: many.yaml:6",
      "oomlab: many.yaml:7", "oomlab: bad.yaml:3",
    ], "\(result.stderr)")
  }

  // MARK: - Item 24: what YAML readers see

  @Test func controlCharactersAreReportedInPlaceAndNeverEchoed() throws {
    let folder = try Folder()
    let path = folder.path("ctl.yaml")
    #expect(FileManager.default.createFile(
      atPath: path, contents: Data(Array("name: x\nabout: a".utf8) + [0x1B] + Array("[31mred\u{0}\nsteps:\n  - hold: 1ms\n".utf8))))
    let result = try Self.oomlab(["validate", "ctl.yaml"], in: folder)
    #expect(result.status == 2)
    #expect(result.stderr.hasPrefix("oomlab: ctl.yaml:2:9: found the non-printable character U+001B"), "\(result.stderr)")
    #expect(!result.stderr.utf8.contains { ($0 < 0x20 && $0 != 0x0A) || $0 == 0x7F }, "raw control bytes on stderr")
  }

  @Test func aByteOrderMarkIsAcceptedByValidateAndRun() throws {
    let folder = try Folder()
    let path = folder.path("bom.yaml")
    #expect(FileManager.default.createFile(
      atPath: path, contents: Data([0xEF, 0xBB, 0xBF] + Array("name: bom\nsample: 10ms\nsteps:\n  - hold: 1ms\n".utf8))))
    let validate = try Self.oomlab(["validate", "bom.yaml"], in: folder)
    #expect(validate.status == 0, "\(validate.stderr)")
    let run = try Self.oomlab(["run", "bom.yaml", "--csv", folder.path("out.csv")], in: folder)
    #expect(run.status == 0, "\(run.stderr)")
  }

  // MARK: - Items 10 and 20: command-line values

  @Test(
    "bad command-line values are range errors naming the flag, exit 2",
    arguments: [
      (["--interval", "-5ms"], "--interval expects a duration from 1ms to 1h, like 10ms, 1s, 5m or 1h, got \"-5ms\""),
      (["--interval", "160000000m"], "--interval expects a duration from 1ms to 1h, like 10ms, 1s, 5m or 1h, got \"160000000m\""),
      (["--interval", "1us"], "--interval expects a duration from 1ms to 1h, like 10ms, 1s, 5m or 1h, got \"1us\""),
      (["--interval", "abc"], "--interval expects a duration from 1ms to 1h, like 10ms, 1s, 5m or 1h, got \"abc\""),
      (["--memory-limit", "-1"], "--memory-limit expects a size like 512MiB, 512Mi, 512m, 4KB or 4096, or none, got \"-1\""),
      (["--arena-max", "-3"], "--arena-max expects an integer in 1...1024 or none, got \"-3\""),
      (["--arena-max", "lots"], "--arena-max expects an integer in 1...1024 or none, got \"lots\""),
      (["--malloc-conf", "a:1", "--malloc-conf", "b:2"], "--malloc-conf is given 2 times; a run takes one (`oomlab matrix` crosses several)"),
      (["--malloc-conf", ""], "--malloc-conf is empty"),
      (["--heap-limit", "-5MiB"], "--heap-limit expects a size like 512MiB, 512Mi, 512m, 4KB or 4096, or a share of the memory limit like 75%, got \"-5MiB\""),
      (["--heap-limit", "100"], "--heap-limit \"100\": a heap limit of 100 bytes is below 1MiB"),
    ] as [([String], String)])
  func badCommandLineValues(_ flags: [String], _ message: String) throws {
    let folder = try Folder()
    try folder.write("s.yaml", "name: x\nsteps:\n  - hold: 1ms\n")
    let result = try Self.oomlab(["run", "s.yaml", "--csv", folder.path("out.csv")] + flags, in: folder)
    #expect(result.status == 2, "\(result.stderr)")
    #expect(result.stderr.contains(message), "\(result.stderr)")
    #expect(!result.stderr.contains("Missing value"))
    #expect(!FileManager.default.fileExists(atPath: folder.path("out.csv")))
  }

  /// `none` takes away a tuning the scenario sets, so the same scenario can run untuned or under another allocator.
  @Test func noneRemovesTheScenariosTuning() throws {
    let folder = try Folder()
    try folder.write("s.yaml", "name: x\narena-max: 2\nsteps:\n  - hold: 1ms\n")
    let tuned = try Self.oomlab(["run", "s.yaml", "--csv", folder.path("a.csv"), "--summary", folder.path("a.json")], in: folder)
    #expect(tuned.status == 0, "\(tuned.stderr)")
    let plain = try Self.oomlab(
      ["run", "s.yaml", "--arena-max", "none", "--csv", folder.path("b.csv"), "--summary", folder.path("b.json")], in: folder)
    #expect(plain.status == 0, "\(plain.stderr)")
    let a = try RunReport.decode(Data(contentsOf: URL(fileURLWithPath: folder.path("a.json"))))
    let b = try RunReport.decode(Data(contentsOf: URL(fileURLWithPath: folder.path("b.json"))))
    #expect(a.tuning["arena_max"] == "2")
    #expect(b.tuning["arena_max"] == nil && b.tuning.isEmpty)
    if jemallocPath != nil {
      // glibc's arena-max, taken away, no longer stands in the way of jemalloc.
      let jemalloc = try Self.oomlab(
        ["run", "s.yaml", "--allocator", "jemalloc", "--arena-max", "none", "--csv", folder.path("c.csv")], in: folder)
      #expect(jemalloc.status == 0, "\(jemalloc.stderr)")
    }
  }
}
