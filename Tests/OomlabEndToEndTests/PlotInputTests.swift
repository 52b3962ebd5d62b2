import Foundation
import Glibc
import Testing

@testable import OomlabKit

/// The pure checks behind `oomlab plot`: CSV headers, sizes, formats, summaries, default names, interpreters.
@Suite struct PlotInputTests {
  @Test func aHeaderNeedsTheColumnsEveryRunWrites() {
    #expect(PlotInput.missingColumns(CSVSchema.header[...], required: PlotInput.runColumns).isEmpty)
    // `exec` trees and later versions add columns; those are not the plot's business.
    #expect(PlotInput.missingColumns("t_seconds,process,pid,ppid,rss_bytes,array_buffers_bytes", required: PlotInput.runColumns).isEmpty)
    #expect(PlotInput.missingColumns("a,b", required: PlotInput.runColumns) == ["t_seconds", "process", "rss_bytes"])
    #expect(PlotInput.missingColumns("t_seconds, process ,vms_bytes", required: PlotInput.runColumns) == ["rss_bytes"])
  }

  @Test(arguments: [
    ("1400x900", PlotSize(width: 1400, height: 900)), ("200X10000", PlotSize(width: 200, height: 10000)),
    ("199x900", nil), ("1400x10001", nil), ("1400x", nil), ("x900", nil), ("1400x900x2", nil), ("+300x400", nil),
    ("３００x400", nil), ("", nil),
  ])
  func sizesAreWidthByHeightInBounds(text: String, size: PlotSize?) {
    #expect(PlotSize.parse(text) == size)
  }

  @Test(arguments: [
    ("chart.png", PlotFormat.png), ("out.svg/chart.SVG", .svg), ("chart.jpg", nil), (".png", nil), ("-", nil),
    ("png", nil), ("chart.png.gz", nil),
  ])
  func theExtensionNamesTheFormat(path: String, format: PlotFormat?) {
    #expect(PlotFormat(path: path) == format)
  }

  @Test(arguments: [
    ("{}", "no \"scenario\" field"),
    ("{\"scenario\": 1}", "scenario is not text"),
    ("not json", "it is not JSON"),
  ])
  func aSummaryThatDoesNotDecodeIsDescribed(json: String, reason: String) throws {
    let error = try #require(throws: DecodingError.self) { try RunReport.decode(Data(json.utf8)) }
    #expect(PlotInput.describe(error) == reason)
  }

  @Test func aFieldDeepInTheSummaryIsNamedAsTheFileSpellsIt() throws {
    let result = try OomlabProcess.run("name: q\nabout: q\nsample: 10ms\nsteps:\n  - hold: 20ms\n")
    defer { result.cleanUp() }
    // Raw JSON on purpose: the test breaks one field, which no `RunReport` can hold.
    let data = try #require(result.summaryJSON)
    var json = try #require(try JSONSerialization.jsonObject(with: data) as? [String: Any])
    var process = try #require((json["processes"] as? [[String: Any]])?.first)
    process["ended_at_seconds"] = "soon"
    json["processes"] = [process]
    let error = try #require(throws: DecodingError.self) {
      try RunReport.decode(try JSONSerialization.data(withJSONObject: json))
    }
    #expect(PlotInput.describe(error) == "processes[0].ended_at_seconds is not a number or the right type")
  }

  @Test func defaultOutputsSitBesideTheInput() {
    let run = PlotInput(path: "runs/a.csv", isMatrix: false, summary: nil, files: [])
    #expect(run.defaultOutput(.timeline) == "runs/a-timeline.png")
    #expect(run.defaultOutput(.processes) == "runs/a-processes.png")
    let matrix = PlotInput(path: "out", isMatrix: true, summary: nil, files: [])
    #expect(matrix.defaultOutput(.matrix) == "out/matrix.png")
  }

  @Test func interpretersAreOomlabPythonAloneElsePathThenTheSystems() throws {
    let directory = try OomlabProcess.temporaryDirectory()
    defer { try? FileManager.default.removeItem(at: directory) }
    let runnable = directory.appendingPathComponent("a")
    let notRunnable = directory.appendingPathComponent("b")
    for (folder, mode) in [(runnable, 0o755), (notRunnable, 0o644)] {
      try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: false)
      let python = folder.appendingPathComponent("python3").path
      #expect(FileManager.default.createFile(atPath: python, contents: Data("#!/bin/sh\n".utf8)))
      #expect(chmod(python, mode_t(mode)) == 0)
    }
    let path = [notRunnable.path, runnable.path, runnable.path].joined(separator: ":")
    let found = Plotter(environment: ["PATH": path]).candidates()
    #expect(found.first == runnable.path + "/python3", "\(found)")
    #expect(found.filter { $0.hasPrefix(directory.path) }.count == 1, "\(found)")
    if access("/usr/bin/python3", X_OK) == 0 { #expect(found.contains("/usr/bin/python3")) }
    #expect(Plotter(environment: ["PATH": path, "OOMLAB_PYTHON": "/opt/py/bin/python3"]).candidates() == ["/opt/py/bin/python3"])
  }
}
