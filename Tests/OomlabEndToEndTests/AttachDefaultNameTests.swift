import Foundation
import Glibc
import Testing

@testable import OomlabKit
import OomlabTestSupport

/// attach's default CSV name comes from the target's comm, which the target sets: it stays in the current folder.
struct AttachDefaultNameTests {
  @Test func aTargetNamedWithASlashCannotMoveTheCSV() throws {
    let parent = try OomlabProcess.temporaryDirectory()
    defer { try? FileManager.default.removeItem(at: parent) }
    let directory = parent.appendingPathComponent("here")
    try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
    // The shell renames itself `../escaped` (comm), then waits in short sleeps: Foundation sees it end only
    // once every process holding its descriptors has, so no sleep may outlive it by long.
    let shell = Process()
    shell.executableURL = URL(fileURLWithPath: "/bin/sh")
    shell.arguments = ["-c", "printf '../escaped' > /proc/$$/comm; while :; do sleep 0.05; done"]
    try shell.run()
    defer {
      if shell.isRunning { kill(shell.processIdentifier, SIGKILL) }
      shell.waitUntilExit()
    }
    let pid = shell.processIdentifier
    try #require(Poll.until { (try? FileIO.read("/proc/\(pid)/comm")) == "../escaped\n" })
    let result = try OomlabProcess.invoke(["attach", "\(pid)", "--for", "300ms"], directory: directory)
    #expect(result.status == 0, "\(result.stdout)\(result.stderr)")
    #expect(try FileManager.default.contentsOfDirectory(atPath: parent.path) == ["here"], "a file was written beside the folder")
    let written = try FileManager.default.contentsOfDirectory(atPath: directory.path)
    #expect(written.count == 1 && written[0].hasPrefix("___escaped-\(pid)-") && written[0].hasSuffix(".csv"), "\(written)")
  }
}
