import Foundation
import Glibc
import Testing

@testable import OomlabKit

/// The loader on real files: only regular files of bounded size are read, and never block.
@Suite struct ScenarioLoaderTests {
  /// A temporary folder removed when the test ends.
  final class Folder {
    let url: URL
    init() throws { url = try OomlabProcess.temporaryDirectory() }
    deinit { try? FileManager.default.removeItem(at: url) }
    func path(_ name: String) -> String { url.appendingPathComponent(name).path }
  }

  static func loadError(_ path: String) throws -> ScenarioError {
    try #require(#expect(throws: ScenarioError.self) { try ScenarioLoader.load(path) })
  }

  @Test func aFIFOIsRefusedWithoutWaitingForAWriterWhenPipesAreNotTaken() throws {
    let folder = try Folder()
    let fifo = folder.path("fifo.yaml")
    #expect(mkfifo(fifo, 0o600) == 0)
    // With no writer, a blocking open would never return; the test itself would hang.
    let error = try #require(#expect(throws: ScenarioError.self) { try ScenarioLoader.load(fifo, pipes: false) })
    #expect(error.description == "\(fifo): expected a regular file, got a FIFO (named pipe)")
  }

  @Test func aFIFONobodyWritesIsRefusedAfterAShortWait() throws {
    let folder = try Folder()
    let fifo = folder.path("fifo.yaml")
    #expect(mkfifo(fifo, 0o600) == 0)
    let error = try #require(#expect(throws: ScenarioError.self) { try ScenarioLoader.read(fifo, pipeWait: 100_000_000) })
    #expect(error.description.contains("a pipe with no writer"), "\(error)")
  }

  @Test func aPipeBeingWrittenIsRead() throws {
    var ends: [Int32] = [0, 0]
    try #require(pipe(&ends) == 0)
    let text = Array("name: piped\nsteps:\n  - hold: 1ms\n".utf8)
    #expect(write(ends[1], text, text.count) == text.count)
    close(ends[1])
    defer { close(ends[0]) }
    #expect(try ScenarioLoader.read("/proc/self/fd/\(ends[0])", pipeWait: 100_000_000) == text)
  }

  @Test func aCharacterDeviceIsRefusedUnread() throws {
    let error = try Self.loadError("/dev/zero")
    #expect(error.description == "/dev/zero: expected a regular file, got a character device")
  }

  @Test func aDirectoryIsRefused() throws {
    let folder = try Folder()
    let error = try Self.loadError(folder.url.path)
    #expect(error.problem == "expected a regular file, got a directory")
  }

  @Test func aFileOverTheLimitIsRefusedBeforeItIsRead() throws {
    let folder = try Folder()
    let path = folder.path("huge.yaml")
    // Sparse: the size alone must refuse it.
    let fd = open(path, O_CREAT | O_WRONLY | O_CLOEXEC, 0o600)
    #expect(fd >= 0)
    #expect(ftruncate(fd, off_t(ScenarioLoader.maximumFileBytes + 1)) == 0)
    close(fd)
    let error = try Self.loadError(path)
    #expect(error.problem == "the file is \(ScenarioLoader.maximumFileBytes + 1) bytes; expected a scenario of at most 4MiB (4194304 bytes)")
  }

  @Test func aFileAtTheLimitIsRead() throws {
    let folder = try Folder()
    let path = folder.path("padded.yaml")
    let body = "name: padded\nsteps:\n  - hold: 1ms\n"
    let padding = String(repeating: "#", count: ScenarioLoader.maximumFileBytes - body.utf8.count - 1) + "\n"
    try (body + padding).write(toFile: path, atomically: false, encoding: .utf8)
    #expect(try ScenarioLoader.load(path).name == "padded")
  }

  @Test func aFileThatSaysItIsEmptyButIsNotStopsAtTheLimit() throws {
    // /proc files report size 0 however much they hold: the read itself must stop.
    let error = try Self.loadError("/proc/self/pagemap")
    #expect(error.problem == "the file is more than 4194304 bytes; expected a scenario of at most 4MiB (4194304 bytes)")
  }

  @Test func aMissingFileSaysWhy() throws {
    let error = try Self.loadError("/nonexistent/scenario.yaml")
    #expect(error.description.hasPrefix("/nonexistent/scenario.yaml: cannot read the file: cannot open /nonexistent/scenario.yaml: No such file or directory"))
  }

  @Test func invalidUTF8IsRefusedAtItsLineAndColumn() throws {
    let folder = try Folder()
    let path = folder.path("latin1.yaml")
    let bytes = Array("name: x\nabout: caf".utf8) + [0xE9] + Array("\nsteps:\n  - hold: 1ms\n".utf8)
    #expect(FileManager.default.createFile(atPath: path, contents: Data(bytes)))
    let error = try Self.loadError(path)
    #expect(error.description == "\(path):2:11: not valid UTF-8: byte 0xE9 cannot appear here; expected UTF-8 text")
  }

  @Test func aByteOrderMarkedFileLoads() throws {
    let folder = try Folder()
    let path = folder.path("bom.yaml")
    #expect(FileManager.default.createFile(atPath: path, contents: Data([0xEF, 0xBB, 0xBF] + Array("name: bom\nsteps:\n  - hold: 1ms\n".utf8))))
    #expect(try ScenarioLoader.load(path).name == "bom")
  }

  @Test func checkReportsEveryProblemAndWhatCouldBeRead() throws {
    let folder = try Folder()
    let path = folder.path("two.yaml")
    try "name: two\nheap-limit: 75%\nsample: 0ms\nsteps:\n  - hold: forever\n".write(toFile: path, atomically: false, encoding: .utf8)
    guard case .failure(let errors) = ScenarioLoader.check(path) else {
      Issue.record("accepted a scenario with two problems")
      return
    }
    #expect(errors.all.map(\.field) == ["sample", "steps[0].hold"])
    let partial = try #require(errors.partial)
    #expect(partial.name == "two")
    // The share still gets checked against the limit a run would use.
    #expect(partial.problems(limit: nil, allocator: .glibc).map(\.field) == ["heap-limit"])
  }

  @Test func aBadLimitIsNotReportedAgainAsSharesWithoutALimit() throws {
    guard
      case .failure(let errors) = ScenarioParser.check(
        yaml: "name: x\nlimit: 2TiB\nheap-limit: 75%\nallocator: [jemalloc]\nmalloc-conf: \"a:1\"\nsteps:\n  - hold: 1ms\n",
        file: "f.yaml")
    else {
      Issue.record("a 2TiB limit was accepted")
      return
    }
    #expect(errors.all.map(\.field) == ["limit", "allocator"])
    let partial = try #require(errors.partial)
    let unreadable = Set(errors.all.map(\.field))
    #expect(partial.problems(memoryLimit: nil, allocator: nil, unreadable: unreadable).isEmpty)
    // Given on the command line, the limit and allocator are known again and checked.
    #expect(
      partial.problems(memoryLimit: .bytes(1 << 20), allocator: "glibc", unreadable: unreadable).map(\.field) == [
        "heap-limit", "malloc-conf",
      ])
  }
}
