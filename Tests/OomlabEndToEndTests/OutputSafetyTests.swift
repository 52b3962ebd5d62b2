import Foundation
import Glibc
import Testing

@testable import OomlabKit
import OomlabTestSupport

/// End-to-end checks that `oomlab run` writes its CSV and summary safely: never through a symbolic link,
/// never over an input or over each other, never blocking on a FIFO, and never with a torn row.
@Suite(.serialized)
struct OutputSafetyTests {
  static let scenarioText = "name: s\nsample: 10ms\nsteps:\n  - hold: 50ms\n"

  /// A fresh folder holding the scenario `s.yaml`.
  static func folder(_ scenario: String = scenarioText) throws -> URL {
    let directory = try OomlabProcess.temporaryDirectory()
    try scenario.write(to: directory.appendingPathComponent("s.yaml"), atomically: true, encoding: .utf8)
    return directory
  }

  /// The names in `directory`, sorted.
  static func listing(_ directory: URL) -> [String] {
    ((try? FileManager.default.contentsOfDirectory(atPath: directory.path)) ?? []).sorted()
  }

  /// Runs `oomlab` in `directory`, killing it (and failing) if it has not ended within `seconds`.
  static func invoke(
    _ arguments: [String], in directory: URL, seconds: Double = 30, started: @escaping (Int32) -> Void = { _ in }
  ) throws -> OomlabProcess.Result {
    var timedOut = false
    let result = try OomlabProcess.invoke(arguments, directory: directory) { process in
      started(process.processIdentifier)
      if !Poll.until(within: seconds, every: 0.01, { !process.isRunning }) {
        timedOut = true
        for child in childPIDs(of: process.processIdentifier) { kill(child, SIGKILL) }
        kill(process.processIdentifier, SIGKILL)
      }
    }
    #expect(!timedOut, "oomlab \(arguments.joined(separator: " ")) was still running after \(seconds) s")
    return result
  }

  // MARK: - Symbolic links (items 4 and 5)

  @Test func aSymlinkPlantedAtTheOldSummaryTemporaryNameIsNotFollowed() throws {
    let directory = try Self.folder()
    defer { try? FileManager.default.removeItem(at: directory) }
    let victim = directory.appendingPathComponent("victim.txt")
    try "precious\n".write(to: victim, atomically: true, encoding: .utf8)
    try FileManager.default.createSymbolicLink(
      atPath: directory.appendingPathComponent("summary.json.partial").path, withDestinationPath: victim.path)
    let result = try Self.invoke(["run", "s.yaml", "--csv", "out.csv", "--summary", "summary.json"], in: directory)
    #expect(result.status == 0, "\(result.stderr)")
    #expect(try String(contentsOf: victim, encoding: .utf8) == "precious\n")
    let data = try Data(contentsOf: directory.appendingPathComponent("summary.json"))
    #expect(try RunReport.decode(data).outcome == .completed)
    // No temporary is left beside the summary.
    #expect(Self.listing(directory) == ["out.csv", "s.yaml", "summary.json", "summary.json.partial", "victim.txt"])
  }

  @Test("an output that is a symbolic link is refused before the run", arguments: ["--csv", "--summary"])
  func anOutputThatIsASymlinkIsRefused(_ flag: String) throws {
    let directory = try Self.folder()
    defer { try? FileManager.default.removeItem(at: directory) }
    let victim = directory.appendingPathComponent("victim.txt")
    try "precious\n".write(to: victim, atomically: true, encoding: .utf8)
    try FileManager.default.createSymbolicLink(
      atPath: directory.appendingPathComponent("link").path, withDestinationPath: "victim.txt")
    let other = flag == "--csv" ? ["--summary", "summary.json"] : ["--csv", "out.csv"]
    let result = try Self.invoke(["run", "s.yaml", flag, "link"] + other, in: directory)
    #expect(result.status == 2)
    #expect(result.stderr.contains("\(flag) \"link\" is a symbolic link"), "\(result.stderr)")
    #expect(try String(contentsOf: victim, encoding: .utf8) == "precious\n")
    #expect(Self.listing(directory) == ["link", "s.yaml", "victim.txt"])
  }

  @Test func theDefaultCSVNameNeverFollowsASymlinkOrOverwrites() throws {
    let directory = try Self.folder()
    defer { try? FileManager.default.removeItem(at: directory) }
    let victim = directory.appendingPathComponent("victim.txt")
    try "precious\n".write(to: victim, atomically: true, encoding: .utf8)
    // Plant a link at every name the run may generate in the next minute.
    let formatter = DateFormatter()
    formatter.dateFormat = "yyyyMMdd-HHmmss"
    formatter.locale = Locale(identifier: "en_US_POSIX")
    let now = Date()
    var planted: [String] = []
    for second in 0..<60 {
      let name = "s-\(formatter.string(from: now.addingTimeInterval(Double(second)))).csv"
      try FileManager.default.createSymbolicLink(
        atPath: directory.appendingPathComponent(name).path, withDestinationPath: "victim.txt")
      planted.append(name)
    }
    let result = try Self.invoke(["run", "s.yaml"], in: directory)
    #expect(result.status == 0, "\(result.stderr)")
    #expect(try String(contentsOf: victim, encoding: .utf8) == "precious\n")
    let created = Set(Self.listing(directory)).subtracting(planted + ["s.yaml", "victim.txt"])
    #expect(created.count == 1, "\(created)")
    let name = try #require(created.first)
    #expect(name.hasPrefix("s-") && name.hasSuffix("-1.csv"), "\(name)")
    #expect(result.stderr.contains("-> \(name)"), "\(result.stderr)")
    let attributes = try FileManager.default.attributesOfItem(atPath: directory.appendingPathComponent(name).path)
    #expect(attributes[.type] as? FileAttributeType == .typeRegular)
    let table = CSVTable(try String(contentsOf: directory.appendingPathComponent(name), encoding: .utf8))
    #expect(table.header == CSVSchema.columns.map(\.name))
    #expect(table.rows.count >= 2)
    for link in planted {
      #expect(
        (try? FileManager.default.destinationOfSymbolicLink(atPath: directory.appendingPathComponent(link).path))
          == "victim.txt")
    }
  }

  // MARK: - Outputs that name an input or each other (item 6)

  static let clashes: [[String]] = [
    ["--csv", "s.yaml", "--summary", "summary.json"],
    ["--csv", "out.csv", "--summary", "s.yaml"],
    ["--csv", "./s.yaml", "--summary", "summary.json"],
    ["--csv", "sub/../s.yaml", "--summary", "summary.json"],
    ["--csv", "hard.yaml", "--summary", "summary.json"],
    ["--csv", "out.csv", "--summary", "hard.yaml"],
    ["--csv", "out.csv", "--summary", "out.csv"],
    ["--csv", "out.csv", "--summary", "./sub/../out.csv"],
    ["--csv", "existing.csv", "--summary", "existing.csv"],
    ["--csv", "existing.csv", "--summary", "existing-link.csv"],
    ["--csv", "-", "--summary", "-"],
  ]

  @Test("outputs naming an input or each other are refused", arguments: clashes)
  func outputsNamingAnInputOrEachOtherAreRefused(_ arguments: [String]) throws {
    let directory = try Self.folder()
    defer { try? FileManager.default.removeItem(at: directory) }
    try FileManager.default.createDirectory(at: directory.appendingPathComponent("sub"), withIntermediateDirectories: false)
    try FileManager.default.linkItem(
      atPath: directory.appendingPathComponent("s.yaml").path, toPath: directory.appendingPathComponent("hard.yaml").path)
    try "kept\n".write(to: directory.appendingPathComponent("existing.csv"), atomically: true, encoding: .utf8)
    try FileManager.default.linkItem(
      atPath: directory.appendingPathComponent("existing.csv").path,
      toPath: directory.appendingPathComponent("existing-link.csv").path)
    let before = Self.listing(directory)
    let result = try Self.invoke(["run", "s.yaml"] + arguments, in: directory)
    #expect(result.status == 2, "\(result.stdout)\(result.stderr)")
    #expect(result.stderr.contains("same file"), "\(result.stderr)")
    #expect(result.stdout.isEmpty)
    #expect(try String(contentsOf: directory.appendingPathComponent("s.yaml"), encoding: .utf8) == Self.scenarioText)
    #expect(try String(contentsOf: directory.appendingPathComponent("existing.csv"), encoding: .utf8) == "kept\n")
    #expect(Self.listing(directory) == before)
  }

  // MARK: - FIFOs (item 9)

  @Test func aFIFOWithoutAReaderIsRefusedAtOnce() throws {
    let directory = try Self.folder()
    defer { try? FileManager.default.removeItem(at: directory) }
    #expect(mkfifo(directory.appendingPathComponent("fifo").path, 0o644) == 0)
    // With a limit where cgroups can be made: the refusal must come before the cgroup exists.
    let limit = cgroupUnavailable == nil ? ["--memory-limit", "256MiB"] : []
    var supervisor: Int32 = 0
    let result = try Self.invoke(
      ["run", "s.yaml", "--csv", "fifo", "--summary", "summary.json"] + limit, in: directory, seconds: 10
    ) { supervisor = $0 }
    #expect(result.status == 2, "\(result.stderr)")
    #expect(result.stderr.contains("no reader on FIFO \"fifo\""), "\(result.stderr)")
    #expect(Self.listing(directory) == ["fifo", "s.yaml"])
    if cgroupUnavailable == nil, let hierarchy = try? CgroupLocator().locate() {
      let left = ((try? FileManager.default.contentsOfDirectory(atPath: hierarchy.ownDirectory)) ?? [])
        .filter { $0.hasPrefix("oomlab-\(supervisor)-") }
      #expect(left.isEmpty, "cgroups left by the refused run: \(left)")
    }
  }

  @Test func aFIFOWithAReaderGetsTheWholeCSV() throws {
    let directory = try Self.folder("name: s\nsample: 10ms\nsteps:\n  - hold: 300ms\n")
    defer { try? FileManager.default.removeItem(at: directory) }
    let fifo = directory.appendingPathComponent("fifo").path
    #expect(mkfifo(fifo, 0o644) == 0)
    // Open the reading end first without blocking; reads then block until data or the writer's close.
    let reader = open(fifo, O_RDONLY | O_NONBLOCK | O_CLOEXEC)
    try #require(reader >= 0)
    defer { close(reader) }
    var received: [UInt8] = []
    var chunk = [UInt8](repeating: 0, count: 65536)
    let result = try OomlabProcess.invoke(
      ["run", "s.yaml", "--csv", "fifo", "--summary", "summary.json"], directory: directory
    ) { process in
      // Drain while oomlab runs, then whatever is left once it has closed its end.
      let deadline = Date().addingTimeInterval(30)
      var ended = false
      while Date() < deadline {
        var poller = pollfd(fd: reader, events: Int16(POLLIN), revents: 0)
        _ = poll(&poller, 1, 20)
        let n = chunk.withUnsafeMutableBytes { read(reader, $0.baseAddress!, $0.count) }
        if n > 0 {
          received.append(contentsOf: chunk[0..<n])
          continue
        }
        if ended { break }
        if !process.isRunning { ended = true }
      }
      if process.isRunning { kill(process.processIdentifier, SIGKILL) }
    }
    #expect(result.status == 0, "\(result.stderr)")
    let table = CSVTable(String(decoding: received, as: UTF8.self))
    #expect(table.header == CSVSchema.columns.map(\.name))
    #expect(table.malformed.isEmpty)
    #expect(table.endsWithNewline)
    #expect(table.rows.count >= 10)
    #expect(table.column("step").last == "end")
  }

  // MARK: - A full disk (item 14)

  @Test(.enabled(if: SmallTmpfs.available(for: "aFullDiskKeepsTheCSVWholeAndExitsThree"), "needs root to mount a tmpfs"))
  func aFullDiskKeepsTheCSVWholeAndExitsThree() throws {
    let directory = try Self.folder("name: s\nsample: 10ms\nsteps:\n  - hold: 2s\n")
    defer { try? FileManager.default.removeItem(at: directory) }
    let disk = try SmallTmpfs(bytes: 256 * 1024)
    defer { disk.unmount() }
    // Room for the header and a few dozen rows of ~200 bytes: the disk fills a fraction into the run.
    try disk.fill(leaving: 12 * 1024)
    let csv = disk.directory.appendingPathComponent("out.csv")
    let result = try Self.invoke(["run", "s.yaml", "--csv", csv.path, "--summary", "summary.json"], in: directory)
    #expect(result.status == 3, "\(result.stdout)\(result.stderr)")
    let text = try String(contentsOf: csv, encoding: .utf8)
    let table = CSVTable(text)
    #expect(table.header == CSVSchema.columns.map(\.name))
    #expect(table.malformed.isEmpty, "\(table.malformed)")
    #expect(table.endsWithNewline)
    #expect(table.rows.count >= 5)
    #expect(table.column("step").last != "end", "the disk filled before the end: the test needs a longer run")
    let lastLine = try #require(text.split(separator: "\n").last)
    #expect(lastLine.split(separator: ",", omittingEmptySubsequences: false).count == CSVSchema.columns.count)
    // One error during the run, not one per tick, then the summary's line saying the CSV is incomplete.
    let errors = result.stderr.split(separator: "\n").filter { $0.hasPrefix("oomlab: ") }
    #expect(errors.filter { $0.contains("No space left on device") }.count == 1, "\(result.stderr)")
    #expect(result.stderr.contains("csv       INCOMPLETE"), "\(result.stderr)")
    let data = try Data(contentsOf: directory.appendingPathComponent("summary.json"))
    let report = try RunReport.decode(data)
    #expect(report.csvIncomplete?.contains("No space left on device") == true, "\(report.csvIncomplete ?? "nil")")
  }

  // MARK: - Bad output paths are usage errors found before the run (items 19 and 20)

  static let refusedBeforeTheRun: [([String], String)] = [
    (["--csv", "out.csv", "--summary", "sub"], "--summary \"sub\" is a directory"),
    (["--csv", "out.csv", "--summary", ""], "--summary is empty"),
    (["--csv", "sub", "--summary", "summary.json"], "--csv \"sub\" is a directory"),
    (["--csv", "", "--summary", "summary.json"], "--csv is empty"),
    (["--csv", "out.csv", "--summary", "fifo"], "--summary \"fifo\" is not a regular file"),
    (["--csv", "out.csv", "--summary", "summary.json", "--allocator", ""], "--allocator is empty"),
    (["--csv", "out.csv", "--summary", "summary.json", "--heap-limit", "100"], "below 1MiB"),
  ]

  @Test("bad output paths exit 2 before the run and write nothing", arguments: refusedBeforeTheRun)
  func badOutputPathsAreRefusedBeforeTheRun(_ arguments: [String], _ message: String) throws {
    // A long scenario: a refusal that came only after the run would time out here.
    let directory = try Self.folder("name: s\nsteps:\n  - hold: 60s\n")
    defer { try? FileManager.default.removeItem(at: directory) }
    try FileManager.default.createDirectory(at: directory.appendingPathComponent("sub"), withIntermediateDirectories: false)
    #expect(mkfifo(directory.appendingPathComponent("fifo").path, 0o644) == 0)
    let before = Self.listing(directory)
    let result = try Self.invoke(["run", "s.yaml"] + arguments, in: directory, seconds: 20)
    #expect(result.status == 2, "\(result.stderr)")
    #expect(result.stderr.contains(message), "\(result.stderr)")
    #expect(Self.listing(directory) == before)
    #expect(Self.listing(directory.appendingPathComponent("sub")).isEmpty)
  }

  @Test func aDashSummaryGoesToStandardOutputAndTheTextToStandardError() throws {
    let directory = try Self.folder()
    defer { try? FileManager.default.removeItem(at: directory) }
    let result = try Self.invoke(["run", "s.yaml", "--csv", "out.csv", "--summary", "-"], in: directory)
    #expect(result.status == 0, "\(result.stderr)")
    let report = try RunReport.decode(Data(result.stdout.utf8))
    #expect(report.outcome == .completed)
    #expect(report.csv == "out.csv")
    #expect(result.stderr.contains("outcome   completed"), "\(result.stderr)")
    #expect(Self.listing(directory) == ["out.csv", "s.yaml"])
  }
}
