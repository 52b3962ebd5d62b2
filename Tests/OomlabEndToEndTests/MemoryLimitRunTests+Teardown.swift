import Foundation
import Glibc
import Testing

@testable import OomlabKit
import OomlabTestSupport

extension MemoryLimitRunTests {
  /// A cgroup that cannot be removed is no silent success: here the test moves the supervisor into its
  /// own run's cgroup, so rmdir can never pass, and oomlab says so and exits 3 at once instead of retrying.
  @Test func aCgroupLeftBehindIsReportedAndFailsTheRun() throws {
    let hierarchy = try CgroupLocator().locate()
    var moved: String?
    let result = try OomlabProcess.run(
      "name: stuck\nlimit: 128MiB\nsample: 20ms\nsteps:\n  - buffers: { count: 2, size: 4MiB, touch: all }\n  - hold: 600ms\n"
    ) { process, _ in
      let pid = process.processIdentifier
      var name: String?
      _ = Poll.until(within: 10, every: 0.002) {
        name = MemoryLimitRunTests.leftoverCgroups(ofSupervisor: pid).first
        return name != nil || !process.isRunning
      }
      guard let name else { return }
      let directory = hierarchy.ownDirectory + "/" + name
      if (try? FileIO.write(directory + "/cgroup.procs", "\(pid)\n")) != nil { moved = directory }
      while process.isRunning { usleep(2000) }
    }
    defer { result.cleanUp() }
    // The supervisor has exited, so the cgroup it could not remove is empty and unlocked: the test removes it.
    defer { if let moved { rmdir(moved) } }
    let directory = try #require(moved, "the supervisor could not be moved into its cgroup: \(result.stderr)")
    #expect(result.status == 3, "\(result.stdout)\(result.stderr)")
    #expect(result.stderr.contains("cannot remove the cgroup \(directory): oomlab itself"), "\(result.stderr)")
    // The summary was written before teardown. (That no EBUSY retries are spent here is pinned without a
    // clock by MemoryCgroupV2Tests' removeGivesUpAtOnceWhenThisProcessIsInside: timings belong to bench.sh.)
    #expect(result.report?.outcome == .completed)
  }
}
