import Foundation
import Testing

@testable import OomlabKit

@Suite struct CSVWriterTests {
  /// A fresh path in the temporary directory; the caller removes it.
  static func temporaryPath() -> String {
    FileManager.default.temporaryDirectory.appendingPathComponent("oomlab-csvwriter-\(UUID().uuidString).csv").path
  }

  /// Splits one CSV line into cells, honouring double-quoted cells with "" escapes.
  static func cells(_ line: String) -> [String] {
    var cells: [String] = []
    var cell = ""
    var quoted = false
    var chars = Array(line)[...]
    while let c = chars.popFirst() {
      if quoted {
        if c == "\"" {
          if chars.first == "\"" {
            cell.append("\"")
            chars.removeFirst()
          } else {
            quoted = false
          }
        } else {
          cell.append(c)
        }
      } else if c == "\"" {
        quoted = true
      } else if c == "," {
        cells.append(cell)
        cell = ""
      } else {
        cell.append(c)
      }
    }
    cells.append(cell)
    return cells
  }

  /// The text one value is written as.
  static func written(_ value: CSVValue) -> String {
    var line: [UInt8] = []
    CSVWriter.append(value, to: &line)
    return String(decoding: line, as: UTF8.self)
  }

  /// Writes `samples` to a temporary file and returns its text, removing the file afterwards.
  static func roundTrip(_ samples: [Sample]) throws -> String {
    let path = temporaryPath()
    defer { try? FileManager.default.removeItem(atPath: path) }
    do {
      let writer = try CSVWriter(path: path)
      #expect(writer.path == path)
      for sample in samples { try writer.write(sample) }
    }
    return try String(contentsOfFile: path, encoding: .utf8)
  }

  static func index(_ name: String) throws -> Int {
    try #require(CSVSchema.columns.firstIndex { $0.name == name })
  }

  // MARK: - The header

  @Test func headerIsTheSchemaColumnsJoined() throws {
    let text = try Self.roundTrip([])
    #expect(text == CSVSchema.columns.map(\.name).joined(separator: ",") + "\n")
    #expect(text == CSVSchema.header + "\n")
  }

  @Test func headerStartsWithTimeProcessAndStep() {
    let names = CSVSchema.columns.map(\.name)
    #expect(
      Array(names.prefix(9)) == [
        "t_seconds", "unix_time", "row", "process", "pid", "ppid", "step_index", "step", "step_name",
      ])
    #expect(names.contains("rss_bytes"))
    #expect(names.contains("minor_faults"))
  }

  @Test func columnNamesAreUniqueSnakeCase() {
    let names = CSVSchema.columns.map(\.name)
    #expect(Set(names).count == names.count)
    for name in names {
      #expect(name.allSatisfy { $0.isLowercase || $0.isNumber || $0 == "_" }, "\(name)")
    }
    for column in CSVSchema.columns where column.name.hasSuffix("_bytes") {
      #expect(column.unit == "bytes", "\(column.name)")
    }
  }

  // MARK: - Cells

  static let decimalCases: [(Double, String)] = [
      (0.0, "0.000"),
      (0.001, "0.001"),
      (0.05, "0.050"),
      (0.1234, "0.123"),
      (1.23456, "1.235"),
      (12.0, "12.000"),
      (59.9996, "60.000"),
      (3601.5, "3601.500"),
  ]

  @Test("t_seconds has three decimals", arguments: decimalCases)
  func decimals(_ value: Double, _ text: String) {
    #expect(Self.written(.decimal(value)) == text)
  }

  static let texts: [(String, String)] = [
      ("worker", "worker"),
      ("buffers", "buffers"),
      ("", ""),
      ("api,cache", "\"api,cache\""),
      ("say \"hi\"", "\"say \"\"hi\"\"\""),
      ("two\nlines", "\"two\nlines\""),
      ("a, \"b\"", "\"a, \"\"b\"\"\""),
      // A CR LF pair is one Character, equal to neither "\r" nor "\n": it is quoted all the same.
      ("two\r\nlines", "\"two\r\nlines\""),
      ("carriage\rreturn", "\"carriage\rreturn\""),
  ]

  @Test("text is quoted only when it must be", arguments: texts)
  func text(_ value: String, _ text: String) {
    #expect(Self.written(.text(value)) == text)
  }

  @Test func numbersAndEmptyCells() {
    #expect(Self.written(.unsigned(UInt64.max)) == "18446744073709551615")
    #expect(Self.written(.unsigned(0)) == "0")
    #expect(Self.written(.integer(-1000)) == "-1000")
    #expect(Self.written(.integer(Int64.max)) == "9223372036854775807")
    #expect(Self.written(.empty) == "")
    #expect(CSVValue(nil as UInt64?) == .empty)
    #expect(CSVValue(nil as Int?) == .empty)
    #expect(CSVValue(UInt64(5)) == .unsigned(5))
    #expect(CSVValue(-5 as Int?) == .integer(-5))
  }

  // MARK: - Rows written and read back

  @Test func aRowReadsBackCellByCell() throws {
    var sample = Sample()
    sample.seconds = 1.23456
    sample.process = "api,cache"
    sample.pid = 4242
    sample.stepIndex = 3
    sample.step = "buffers"
    sample.stepName = "cache"
    sample.row = .stepEnd
    sample.unixTime = 1_795_000_000.1236
    var status = ProcStatus()
    status.rss = 398_212 * 1024
    status.rssAnon = 351_004 * 1024
    status.threads = 11
    sample.status = status
    var stat = ProcStat()
    stat.minorFaults = 48_213
    stat.majorFaults = 19
    sample.stat = stat
    sample.oomScoreAdj = -500
    sample.parentPid = 4241

    let text = try Self.roundTrip([sample])
    #expect(text.hasSuffix("\n"))
    let lines = text.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
    #expect(lines.count == 3)  // header, one row, and the empty tail after the last newline
    #expect(lines[0] == CSVSchema.header)
    let row = Self.cells(lines[1])
    #expect(row.count == CSVSchema.columns.count)
    #expect(lines[1].hasPrefix("1.235,1795000000.124,step_end,\"api,cache\",4242,4241,3,buffers,cache,"))
    #expect(row[try Self.index("t_seconds")] == "1.235")
    #expect(row[try Self.index("process")] == "api,cache")
    #expect(row[try Self.index("pid")] == "4242")
    #expect(row[try Self.index("ppid")] == "4241")
    #expect(row[try Self.index("step_index")] == "3")
    #expect(row[try Self.index("step")] == "buffers")
    #expect(row[try Self.index("rss_bytes")] == "\(398_212 * 1024)")
    #expect(row[try Self.index("rss_anon_bytes")] == "\(351_004 * 1024)")
    #expect(row[try Self.index("rss_file_bytes")] == "0")
    #expect(row[try Self.index("threads")] == "11")
    #expect(row[try Self.index("minor_faults")] == "48213")
    #expect(row[try Self.index("major_faults")] == "19")
    #expect(row[try Self.index("oom_score_adj")] == "-500")
    // Nothing was read for these, so they are empty rather than zero.
    #expect(row[try Self.index("oom_score")] == "")
    #expect(row[try Self.index("pss_bytes")] == "")
    #expect(row[try Self.index("anon_huge_bytes")] == "")
    #expect(row[try Self.index("buffers_live_bytes")] == "")
  }

  @Test func nilValuesAreEmptyCells() throws {
    var sample = Sample()
    sample.seconds = 0
    sample.pid = 1
    let text = try Self.roundTrip([sample])
    let lines = text.split(separator: "\n").map(String.init)
    let row = Self.cells(lines[1])
    #expect(row.count == CSVSchema.columns.count)
    #expect(row[try Self.index("t_seconds")] == "0.000")
    #expect(row[try Self.index("process")] == "worker")
    #expect(row[try Self.index("step")] == "start")
    #expect(row[try Self.index("row")] == "tick")
    for name in [
      "unix_time", "step_name", "step_index", "rss_bytes", "rss_anon_bytes", "vms_bytes", "threads", "minor_faults", "major_faults",
      "oom_score", "oom_score_adj", "pss_bytes", "anon_huge_bytes", "native_live_bytes",
    ] {
      #expect(row[try Self.index(name)] == "", "\(name)")
    }
  }

  @Test func sharedCountersFillTheirColumns() throws {
    var sample = Sample()
    sample.counters = Array(repeating: 0, count: SharedCounter.allCases.count)
    sample.counters[SharedCounter.buffersLiveBytes.rawValue] = 100 << 20
    sample.counters[SharedCounter.nativeLiveBytes.rawValue] = 7
    sample.counters[SharedCounter.stacksReservedBytes.rawValue] = 8 << 20
    let row = Self.cells(try Self.roundTrip([sample]).split(separator: "\n").map(String.init)[1])
    #expect(row[try Self.index("buffers_live_bytes")] == "\(100 << 20)")
    #expect(row[try Self.index("native_live_bytes")] == "7")
    #expect(row[try Self.index("stacks_reserved_bytes")] == "\(8 << 20)")
    #expect(row[try Self.index("pages_reserved_bytes")] == "0")
  }

  @Test func rowsAreAppendedInOrder() throws {
    let samples = (0..<5).map { i -> Sample in
      var sample = Sample()
      sample.seconds = Double(i) * 0.05
      sample.stepIndex = i
      sample.step = i == 4 ? "end" : "hold"
      return sample
    }
    let text = try Self.roundTrip(samples)
    let lines = text.split(separator: "\n").map(String.init)
    #expect(lines.count == 6)
    #expect(lines.dropFirst().map { Self.cells($0)[0] } == ["0.000", "0.050", "0.100", "0.150", "0.200"])
    #expect(lines.dropFirst().map { Self.cells($0)[try! Self.index("step")] } == ["hold", "hold", "hold", "hold", "end"])
    #expect(lines.dropFirst().allSatisfy { Self.cells($0).count == CSVSchema.columns.count })
  }

  @Test func anExistingFileIsTruncated() throws {
    let path = Self.temporaryPath()
    defer { try? FileManager.default.removeItem(atPath: path) }
    try String(repeating: "stale,row\n", count: 100).write(toFile: path, atomically: false, encoding: .utf8)
    do { _ = try CSVWriter(path: path) }
    #expect(try String(contentsOfFile: path, encoding: .utf8) == CSVSchema.header + "\n")
  }

  @Test func anUncreatableFileThrows() {
    #expect(throws: (any Error).self) { try CSVWriter(path: "/nonexistent-oomlab-dir/x/out.csv") }
  }

  @Test func temporaryFilesAreRemoved() throws {
    let path = Self.temporaryPath()
    do {
      defer { try? FileManager.default.removeItem(atPath: path) }
      _ = try CSVWriter(path: path)
      #expect(FileManager.default.fileExists(atPath: path))
    }
    #expect(!FileManager.default.fileExists(atPath: path))
  }

  // MARK: - A full disk

  /// Samples with growing times, for filling a disk.
  static func samples(_ count: Int) -> [Sample] {
    (0..<count).map { i in
      var sample = Sample()
      sample.seconds = Double(i) * 0.01
      sample.pid = 4242
      sample.step = "hold"
      return sample
    }
  }

  @Test(.enabled(if: SmallTmpfs.available(for: "aFullDiskCutsTheFileBackToItsLastWholeRow"), "needs root to mount a tmpfs"))
  func aFullDiskCutsTheFileBackToItsLastWholeRow() throws {
    let disk = try SmallTmpfs(bytes: 64 * 1024)
    defer { disk.unmount() }
    try disk.fill(leaving: 6 * 1024)
    let path = disk.directory.appendingPathComponent("out.csv").path
    var thrown = 0
    var afterFailure: off_t = -1
    do {
      let writer = try CSVWriter(path: path)
      for sample in Self.samples(2000) {
        do { try writer.write(sample) } catch { thrown += 1 }
        if writer.failure != nil && afterFailure < 0 {
          afterFailure = off_t((try? FileManager.default.attributesOfItem(atPath: path)[.size] as? Int) ?? -1)
        }
      }
      #expect(writer.failure?.errno == ENOSPC)
      #expect(!writer.lastRowTorn)
      #expect(writer.incompleteReason?.contains("No space left on device") == true)
      let lost = try #require(writer.failedAtSeconds)
      #expect(writer.incompleteReason?.contains("no rows from \(Self.written(.decimal(lost))) s on") == true)
    }
    // One error, then nothing more written.
    #expect(thrown == 1)
    let text = try String(contentsOfFile: path, encoding: .utf8)
    #expect(off_t(text.utf8.count) == afterFailure)
    #expect(text.hasSuffix("\n"))
    let lines = text.split(separator: "\n").map(String.init)
    #expect(lines.count >= 5)
    #expect(lines.count < 2000)
    #expect(lines.dropFirst().allSatisfy { Self.cells($0).count == CSVSchema.columns.count })
  }

  @Test func aDeviceThatTakesNothingFailsTheHeader() throws {
    let writer = CSVWriter(try OutputFile.open("/dev/full", flag: "--csv"))
    #expect(throws: SystemError.self) { try writer.start() }
    #expect(writer.failure?.errno == ENOSPC)
    #expect(writer.failedAtSeconds == nil)
    // Later rows are dropped quietly: the one error has been reported.
    try writer.write(Sample())
  }
}
