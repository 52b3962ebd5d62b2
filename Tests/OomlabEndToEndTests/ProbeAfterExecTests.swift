import Foundation
import Testing

@testable import OomlabKit
import OomlabTestSupport

/// A process that execs keeps being measured whole: smaps_rollup follows it into the new program.
struct ProbeAfterExecTests {
  @Test(.enabled(if: RealPrograms.pythonMissing == nil, "\(RealPrograms.pythonMissing ?? "")"))
  func pssFollowsAProcessIntoTheProgramItExecs() throws {
    let python = try #require(RealPrograms.python)
    // The shell is sampled first; then, as the same process, Python writes 64 MiB and holds it.
    let result = try RealPrograms.exec(
      ["sh", "-c", "sleep 0.6; exec \(python) -c 'import time; b = b\"x\" * (64 << 20); time.sleep(2.5)'"],
      options: ["--interval", "50ms"])
    defer { result.cleanUp() }
    #expect(result.status == 0, "\(result.stdout)\(result.stderr)")
    let csv = try #require(result.csv)
    let rows = csv.rows(ofPid: try #require(result.report?.processes.first?.pid))
    let python3 = rows.filter { $0["process"]?.hasPrefix("python") == true && Double($0["rss_anon_bytes"] ?? "") ?? 0 >= 60 * MiB }
    // rows well after the allocation: smaps_rollup is read at least every 500 ms.
    try #require(python3.count >= 20, "\(python3.count) rows of Python holding its 64 MiB")
    let last = try #require(python3.last)
    let pssAnon = try #require(Double(last["pss_anon_bytes"] ?? ""))
    #expect(pssAnon >= 60 * MiB, "pss_anon \(pssAnon) beside rss_anon \(last["rss_anon_bytes"] ?? "")")
  }
}
