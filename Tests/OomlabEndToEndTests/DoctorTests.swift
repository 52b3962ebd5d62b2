import Foundation
import Testing

@testable import OomlabKit

struct DoctorTests {
  @Test func theSelectedSysfsModeIsTheBracketedWord() {
    #expect(Doctor.bracketed("always [madvise] never\n") == "madvise")
    #expect(Doctor.bracketed("[always] madvise never") == "always")
    #expect(Doctor.bracketed("no brackets") == nil)
  }

  @Test func everyCheckNamesItsSource() {
    let checks = Doctor.checks()
    // Whatever this machine allows, each of these is reported; --memory-limit only where a hierarchy was found.
    let subjects = Set(checks.map(\.subject))
    #expect(
      subjects.isSuperset(of: [
        "memory cgroup", "kernel OOM reports", "transparent huge pages", "overcommit", "negative oom_score_adj", "jemalloc",
      ]), "\(subjects)")
    #expect(subjects.contains("--memory-limit") == ((try? CgroupLocator().locate()) != nil))
    for check in checks { #expect(!check.source.isEmpty && !check.finding.isEmpty) }
  }

  @Test func withoutACgroupHierarchyDoctorSaysSoAndRunsOn() throws {
    let directory = try OomlabProcess.temporaryDirectory()
    defer { try? FileManager.default.removeItem(at: directory) }
    let mountinfo = directory.appendingPathComponent("mountinfo")
    try "".write(to: mountinfo, atomically: true, encoding: .utf8)
    let result = try OomlabProcess.invoke(
      ["doctor"], directory: directory, environment: ["OOMLAB_MOUNTINFO": mountinfo.path])
    #expect(result.status == 0)
    #expect(result.stdout.contains("note  memory cgroup: no cgroup hierarchy"), "\(result.stdout)")
    #expect(result.stdout.contains("[/proc/sys/vm/overcommit_memory]"))
  }
}
