import Foundation
import Glibc
import Testing

@testable import OomlabKit
import OomlabTestSupport

/// A kernel thread has a pid but no user memory: attach refuses it instead of recording nothing as "completed".
struct AttachKernelThreadTests {
  /// kthreadd, pid 2 where this is the kernel's own pid namespace; nil elsewhere.
  static let kthreadd: Int32? = (try? FileIO.read("/proc/2/comm")) == "kthreadd\n" ? 2 : nil

  @Test(.enabled(if: kthreadd != nil, "pid 2 is not kthreadd here (a pid namespace of its own)"))
  func attachingToAKernelThreadIsBadUsage() throws {
    let pid = try #require(Self.kthreadd)
    let directory = try OomlabProcess.temporaryDirectory()
    let result = try OomlabProcess.invoke(["attach", "\(pid)", "--for", "300ms"], directory: directory)
    defer { result.cleanUp() }
    #expect(result.status == ExitStatus.badInput.rawValue, "\(result.stdout)\(result.stderr)")
    #expect(result.stderr.contains("pid \(pid) is a kernel thread: it has no user memory"), "\(result.stderr)")
    #expect(try FileManager.default.contentsOfDirectory(atPath: directory.path).isEmpty, "nothing written")
  }

  @Test func theKernelThreadFlagIsReadFromStat() {
    let kernel = "2 (kthreadd) S 0 0 0 0 -1 2129984 0 0 0 0 0 0 0 0 20 0 1 0 9 0 0 18446744073709551615\n"
    let user = "17 (a) b) R 1 17 17 0 -1 4194560 90 0 0 0 0 0 0 0 20 0 1 0 9 0 0 18446744073709551615\n"
    #expect(Array(kernel.utf8).withUnsafeBytes { ProcStatHead.isKernelThread($0) } == true)
    #expect(Array(user.utf8).withUnsafeBytes { ProcStatHead.isKernelThread($0) } == false)
  }
}
