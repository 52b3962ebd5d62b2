import Foundation
import Testing

@testable import OomlabKit

/// Framed files survive the trip through a log, and a damaged log is refused naming its line.
@Suite struct CellFramesTests {
  static let csv = Data("t_seconds,rss_bytes\n0.0,1\n".utf8)
  static let big = Data((0..<3000).map { UInt8($0 % 251) })

  @Test func filesComeBackWholeFromALogWithPrefixesAndOtherLines() throws {
    let framed = CellFrames.frame(index: 3, count: 12, name: "a-glibc-64MiB.csv", contents: Self.csv)
      + CellFrames.frame(index: 3, count: 12, name: "big.json", contents: Self.big)
      + CellFrames.frame(index: 3, count: 12, name: "empty", contents: Data())
    // What `kubectl logs --timestamps --prefix` makes of it, between the table oomlab prints.
    let log = "scenario  outcome\nquick     completed\n"
      + framed.split(separator: "\n").map { "[pod/oomlab-cells-64mi-3-x/oomlab] 2026-11-25T20:00:00.123Z \($0)" }.joined(separator: "\n")
    let files = try CellFrames.parse(log, source: "pod.log")
    #expect(files.map(\.name) == ["a-glibc-64MiB.csv", "big.json", "empty"])
    #expect(files.map(\.contents) == [Self.csv, Self.big, Data()])
    #expect(files.allSatisfy { $0.index == 3 && $0.count == 12 })
  }

  @Test func aNameHoldingSpacesComesBackAsItWas() throws {
    let name = "s-my  lib-none.csv"
    let files = try CellFrames.parse(CellFrames.frame(index: 0, count: 1, name: name, contents: Self.csv), source: "pod.log")
    #expect(files.map(\.name) == [name])
    #expect(files.map(\.contents) == [Self.csv])
  }

  @Test(arguments: [
    (true, "pod.log:1: big.json of cell 3 has no end marker (the log is cut short)"),
    (false, "pod.log:1: big.json does not decode to the 3000 bytes its frame announces"),
  ])
  func aLogCutShortOrDamagedIsRefused(cut: Bool, message: String) throws {
    var lines = CellFrames.frame(index: 3, count: 12, name: "big.json", contents: Self.big).split(separator: "\n").map(String.init)
    if cut {
      lines = Array(lines.prefix(4))
    } else {
      // A line lost from the middle, as a log rotated under the reader would lose it.
      lines.remove(at: 5)
    }
    #expect(throws: CollectError.self) { try CellFrames.parse(lines.joined(separator: "\n"), source: "pod.log") }
    do {
      _ = try CellFrames.parse(lines.joined(separator: "\n"), source: "pod.log")
    } catch {
      #expect(error.description == message)
    }
  }

  @Test(arguments: [
    ("=== oomlab cell 3 of 12 begin ../x 1 bytes base64 ===\nAA==\n=== oomlab cell 3 of 12 end ../x ===\n",
     "pod.log:1: the file name \"../x\" is not a plain file name"),
    ("=== oomlab cell 12 of 12 begin x 1 bytes base64 ===\n", "pod.log:1: a marker line that is not"),
    ("=== oomlab cell 1 of 12 end x ===\n", "pod.log:1: an end marker without a begin marker"),
    ("=== oomlab cell 1 of 12 begin x 1 bytes base64 ===\nAA==\n=== oomlab cell 2 of 12 end x ===\n",
     "pod.log:3: expected the end of x of cell 1, begun on line 1"),
  ])
  func aBadMarkerIsRefusedNamingItsLine(log: String, message: String) throws {
    do {
      _ = try CellFrames.parse(log, source: "pod.log")
      Issue.record("accepted \(log)")
    } catch {
      #expect(error.description.hasPrefix(message), "\(error.description)")
    }
  }
}
