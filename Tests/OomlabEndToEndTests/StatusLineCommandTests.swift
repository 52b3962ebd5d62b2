import Foundation
import Testing

@testable import OomlabKit

/// The live status line of `run`, `exec` and `matrix`, on a real pseudo-terminal and off it.
@Suite(.serialized, .enabled(if: PseudoTerminal.missing == nil, "\(PseudoTerminal.missing ?? "")"))
struct StatusLineCommandTests {
  /// Grows for about a second and a half in named steps, then holds.
  static let scenario = """
    name: live
    sample: 50ms
    steps:
      - buffers: { count: 6, size: 4MiB, every: 200ms, as: growing }
      - hold: 600ms
    """

  static func write(_ yaml: String = scenario) throws -> URL {
    let directory = try OomlabProcess.temporaryDirectory()
    try yaml.write(to: directory.appendingPathComponent("live.yaml"), atomically: true, encoding: .utf8)
    return directory
  }

  @Test func runDrawsAnUpdatingLineThatEndsWithTheOutcomeAndLeavesTheOutputsClean() throws {
    let directory = try Self.write()
    defer { try? FileManager.default.removeItem(at: directory) }
    let output = try PseudoTerminal.run(
      ["run", "live.yaml", "--csv", "out.csv", "--summary", "out.json"], in: directory)
    #expect(output.status == 0, "\(output.text)")
    let frames = output.frames
    #expect(Set(frames).count >= 3, "\(frames)")
    #expect(frames.contains { $0.contains("buffers (growing)") && $0.contains("rss ") }, "\(frames)")
    #expect(frames.last?.hasSuffix("-> completed") == true, "\(frames)")
    // The last frame, with the outcome, stays on its line, which it ends: the summary starts below it.
    let summary = try #require(output.text.range(of: "scenario "))
    #expect(output.text[..<summary.lowerBound].hasSuffix("-> completed\u{1B}[K\n"), "\(output.text.debugDescription)")
    #expect(!PseudoTerminal.hasControls(String(output.text[summary.lowerBound...])))
    let csv = try String(contentsOf: directory.appendingPathComponent("out.csv"), encoding: .utf8)
    let json = try String(contentsOf: directory.appendingPathComponent("out.json"), encoding: .utf8)
    #expect(csv.count > 100 && !PseudoTerminal.hasControls(csv))
    #expect(json.contains("\"completed\"") && !PseudoTerminal.hasControls(json))
  }

  @Test func theBarIsDrawnAgainstTheLimit() throws {
    let directory = try Self.write()
    defer { try? FileManager.default.removeItem(at: directory) }
    let output = try PseudoTerminal.run(
      ["run", "live.yaml", "--csv", "out.csv", "--memory-limit", "64Mi", "--enforce", "simulated"], in: directory)
    #expect(output.status == 0, "\(output.text)")
    #expect(output.frames.contains { $0.contains("rss [") && $0.contains("/ 64.0 MiB") }, "\(output.frames)")
  }

  @Test func aNarrowTerminalGetsLinesThatDoNotWrap() throws {
    let directory = try Self.write()
    defer { try? FileManager.default.removeItem(at: directory) }
    let output = try PseudoTerminal.run(
      ["run", "live.yaml", "--csv", "out.csv", "--memory-limit", "64Mi", "--enforce", "simulated"], in: directory,
      columns: 24)
    let frames = output.frames
    #expect(frames.count >= 2, "\(output.text)")
    #expect(frames.allSatisfy { $0.count <= 23 }, "\(frames)")
  }

  @Test func quietDrawsNothing() throws {
    let directory = try Self.write()
    defer { try? FileManager.default.removeItem(at: directory) }
    let output = try PseudoTerminal.run(["run", "live.yaml", "--csv", "out.csv", "--quiet"], in: directory)
    #expect(output.status == 0, "\(output.text)")
    #expect(output.text.contains("outcome   completed"), "\(output.text)")
    #expect(!PseudoTerminal.hasControls(output.text), "\(output.text.debugDescription)")
  }

  @Test func aStandardErrorThatIsNotATerminalGetsNoLine() throws {
    let directory = try Self.write()
    defer { try? FileManager.default.removeItem(at: directory) }
    // stdout stays the terminal, stderr is a file: the line follows stderr, not stdout.
    let output = try PseudoTerminal.run(
      ["run", "live.yaml", "--csv", "-"], in: directory, suffix: "2>stderr.txt")
    #expect(output.status == 0, "\(output.text)")
    let stderr = try String(contentsOf: directory.appendingPathComponent("stderr.txt"), encoding: .utf8)
    #expect(stderr.contains("outcome   completed"), "\(stderr)")
    #expect(!PseudoTerminal.hasControls(stderr), "\(stderr.debugDescription)")
    #expect(output.text.contains(",rss_bytes,") && !PseudoTerminal.hasControls(output.text), "\(output.text.debugDescription)")
  }

  @Test func execShowsTheCommandAndItsOutcome() throws {
    let directory = try Self.write()
    defer { try? FileManager.default.removeItem(at: directory) }
    let output = try PseudoTerminal.run(
      ["exec", "--csv", "out.csv", "--interval", "50ms", "--", "sh", "-c", "sleep 1"], in: directory)
    #expect(output.status == 0, "\(output.text)")
    let frames = output.frames
    #expect(Set(frames).count >= 2, "\(frames)")
    #expect(frames.contains { $0.contains(" sh ") && $0.contains("rss ") }, "\(frames)")
    #expect(frames.last?.hasSuffix("-> completed") == true, "\(frames)")
    let summary = try #require(output.text.range(of: "command "))
    #expect(output.text[..<summary.lowerBound].hasSuffix("-> completed\u{1B}[K\n"), "\(output.text.debugDescription)")
    let csv = try String(contentsOf: directory.appendingPathComponent("out.csv"), encoding: .utf8)
    #expect(!PseudoTerminal.hasControls(csv))
  }

  @Test func matrixNamesTheCell() throws {
    let directory = try Self.write()
    defer { try? FileManager.default.removeItem(at: directory) }
    let output = try PseudoTerminal.run(
      ["matrix", "live.yaml", "--out", "cells", "--arena-max", "none,1"], in: directory)
    #expect(output.status == 0, "\(output.text)")
    let frames = output.frames
    #expect(frames.contains { $0.hasPrefix("cell 1 of 2  ") }, "\(frames)")
    #expect(frames.contains { $0.hasPrefix("cell 2 of 2  ") && $0.hasSuffix("-> completed") }, "\(frames)")
    let files = try FileManager.default.contentsOfDirectory(atPath: directory.appendingPathComponent("cells").path)
    for file in files {
      let text = try String(contentsOf: directory.appendingPathComponent("cells/\(file)"), encoding: .utf8)
      #expect(!PseudoTerminal.hasControls(text), "\(file)")
    }
    // One cell alone is named by its place in the whole matrix.
    let alone = try PseudoTerminal.run(
      ["matrix", "live.yaml", "--out", "alone", "--arena-max", "none,1", "--cell", "1"], in: directory)
    #expect(alone.status == 0, "\(alone.text)")
    #expect(alone.frames.contains { $0.hasPrefix("cell 2 of 2  ") }, "\(alone.frames)")
  }
}
