import Foundation
import Testing

@testable import OomlabKit
import OomlabTestSupport

/// The program the binary carries is scripts/plot.py, byte for byte.
@Suite struct PlotProgramTests {
  @Test func theEmbeddedProgramIsScriptsPlotPy() throws {
    let script = try String(contentsOf: repositoryRoot().appendingPathComponent("scripts/plot.py"), encoding: .utf8)
    let embedded = PlotProgram.source.split(separator: "\n", omittingEmptySubsequences: false)
    let lines = script.split(separator: "\n", omittingEmptySubsequences: false)
    let first = zip(embedded, lines).enumerated().first { $0.element.0 != $0.element.1 }?.offset
      ?? min(embedded.count, lines.count)
    // A Bool, so that a failure prints the line, not both programs whole.
    let same = PlotProgram.source == script
    #expect(
      same,
      "scripts/plot.py and the embedded copy differ from line \(first + 1): run scripts/embed-plot.sh")
  }
}
