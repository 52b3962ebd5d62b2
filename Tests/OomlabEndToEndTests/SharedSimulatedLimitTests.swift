import Foundation
import Testing

@testable import OomlabKit
import OomlabTestSupport

/// A simulated limit is shared by a run's processes, as a cgroup's is: no cgroup is needed.
struct SharedSimulatedLimitTests {
  @Test func workersEachUnderTheLimitButOverItTogetherAreKilled() throws {
    // Each worker holds its start-up pages and 40 MiB: under 80 MiB alone, over it together.
    let result = try OomlabProcess.run(
      """
      name: shared-simulated
      limit: 80MiB
      sample: 20ms
      expect: oom-kill
      processes:
        - name: a
          steps:
            - buffers: { count: 10, size: 4MiB, touch: all, every: 20ms }
            - hold: 3s
        - name: b
          steps:
            - buffers: { count: 10, size: 4MiB, touch: all, every: 20ms }
            - hold: 3s
      """, arguments: ["--enforce", "simulated"])
    defer { result.cleanUp() }
    let report = try #require(result.report, "\(result.stdout)\(result.stderr)")
    #expect(result.status == 0, "\(report.text)")
    #expect(report.outcome == .simulatedOomKill)
    let killed = report.processes.filter { $0.outcome == .simulatedOomKill }
    #expect(killed.count >= 1, "\(report.text)")
    for process in report.processes {
      #expect(Double(process.peaks.rssBytes) < 80 * MiB, "\(process.name) alone reached the limit: \(process.peaks.rssBytes)")
    }
    #expect(report.victim.map { name in killed.contains { $0.name == name } } == true)
  }
}
