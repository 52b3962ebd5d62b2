import Foundation
import Glibc
import Testing

@testable import OomlabKit

/// The output checks: pure path helpers with text, and opening, creating and replacing real files in a temporary folder.
struct OutputFileTests {
  // MARK: - Pure helpers

  static let normalised: [(String, String)] = [
    ("x", "/w/x"),
    ("./x", "/w/x"),
    ("a/../x", "/w/x"),
    ("a/./b//c/", "/w/a/b/c"),
    ("/abs/../x", "/x"),
    ("../../../..", "/"),
    ("/", "/"),
  ]

  @Test("paths are made absolute against the folder and . and .. removed", arguments: normalised)
  func normalise(_ path: String, _ expected: String) {
    #expect(FileIdentity.normalise(path, in: "/w") == expected)
  }

  @Test func aPathSplitsIntoItsFolderAndLastPart() {
    #expect(FileIdentity.split("a/b") == ("a", "b"))
    #expect(FileIdentity.split("b") == (".", "b"))
    #expect(FileIdentity.split("/b") == ("/", "b"))
    #expect(FileIdentity.split("/x/y/z.csv") == ("/x/y", "z.csv"))
  }

  static let numberedNames: [(String, Int, String)] = [
    ("run-20250101-120000.csv", 0, "run-20250101-120000.csv"),
    ("run-20250101-120000.csv", 1, "run-20250101-120000-1.csv"),
    ("dir.d/run.csv", 12, "dir.d/run-12.csv"),
    ("dir.d/run", 2, "dir.d/run-2"),
    (".hidden", 3, ".hidden-3"),
    ("a.b.csv", 1, "a.b-1.csv"),
  ]

  @Test("a taken generated name gets a number before its extension", arguments: numberedNames)
  func numbered(_ path: String, _ attempt: Int, _ expected: String) {
    #expect(OutputFile.numbered(path, attempt) == expected)
  }

  @Test func theFirstOutputThatIsAnInputOrAnEarlierOutputIsTheClash() {
    let scenario = FileIdentity.inode(device: 1, inode: 10)
    let inputs = [(name: "the scenario", path: "s.yaml", identity: scenario)]
    let csv = (flag: "--csv", path: "out.csv", identity: FileIdentity.path("/w/out.csv"))
    #expect(OutputFile.clash([csv, (flag: "--summary", path: "s.json", identity: .path("/w/s.json"))], inputs: inputs) == nil)
    #expect(
      OutputFile.clash([csv, (flag: "--summary", path: "hard", identity: scenario)], inputs: inputs)
        == .sameAsInput(flag: "--summary", path: "hard", input: "the scenario", inputPath: "s.yaml"))
    #expect(
      OutputFile.clash([csv, (flag: "--summary", path: "./out.csv", identity: .path("/w/out.csv"))], inputs: inputs)
        == .sameAsOutput(flag: "--summary", path: "./out.csv", otherFlag: "--csv", otherPath: "out.csv"))
    #expect(
      OutputFile.clash(
        [(flag: "--csv", path: "-", identity: .standardOutput), (flag: "--summary", path: "-", identity: .standardOutput)],
        inputs: inputs) == .sameAsOutput(flag: "--summary", path: "-", otherFlag: "--csv", otherPath: "-"))
  }

  @Test func messagesQuoteTheFlagAndPath() {
    #expect(OutputError.empty(flag: "--csv").description.hasPrefix("--csv is empty"))
    #expect(OutputError.noReader(flag: "--csv", path: "f").description.contains("no reader on FIFO \"f\""))
    #expect(OutputError.unwritable(flag: "--csv", path: "x", errno: EACCES).status == .badInput)
    #expect(OutputError.unwritable(flag: "--csv", path: "x", errno: ENOSPC).status == .environment)
    #expect(OutputError.symbolicLink(flag: "--summary", path: "l").status == .badInput)
  }

  // MARK: - Identities of real files

  @Test func hardLinksAndSpellingsOfOneFileShareAnIdentity() throws {
    let folder = try OomlabProcess.temporaryDirectory()
    defer { try? FileManager.default.removeItem(at: folder) }
    let file = folder.appendingPathComponent("s.yaml").path
    try "x".write(toFile: file, atomically: false, encoding: .utf8)
    try FileManager.default.createDirectory(atPath: folder.path + "/sub", withIntermediateDirectories: false)
    #expect(link(file, folder.path + "/hard.yaml") == 0)
    #expect(symlink("s.yaml", folder.path + "/soft.yaml") == 0)
    let identity = FileIdentity.input(file)
    #expect(FileIdentity.output(folder.path + "/hard.yaml") == identity)
    #expect(FileIdentity.output(folder.path + "/sub/../s.yaml") == identity)
    // Reading follows the link to the scenario; an output at the link is the link itself.
    #expect(FileIdentity.input(folder.path + "/soft.yaml") == identity)
    #expect(FileIdentity.output(folder.path + "/soft.yaml") != identity)
    // Files not created yet compare by their resolved absolute path.
    let resolved = try #require(realpath(folder.path, nil))
    defer { free(resolved) }
    #expect(FileIdentity.output(folder.path + "/sub/../new.csv") == .path(String(cString: resolved) + "/new.csv"))
    #expect(FileIdentity.output(folder.path + "/./new.csv") == FileIdentity.output(folder.path + "//new.csv"))
  }

  // MARK: - Opening and creating

  @Test func opensRefuseLinksDirectoriesAndFIFOsWithoutAReader() throws {
    let folder = try OomlabProcess.temporaryDirectory()
    defer { try? FileManager.default.removeItem(at: folder) }
    let path = folder.path
    try "victim".write(toFile: path + "/victim", atomically: false, encoding: .utf8)
    #expect(symlink("victim", path + "/link") == 0)
    #expect(symlink("absent", path + "/dangling") == 0)
    #expect(mkfifo(path + "/fifo", 0o600) == 0)
    #expect(throws: OutputError.symbolicLink(flag: "--csv", path: path + "/link")) {
      try OutputFile.open(path + "/link", flag: "--csv")
    }
    #expect(throws: OutputError.symbolicLink(flag: "--csv", path: path + "/dangling")) {
      try OutputFile.open(path + "/dangling", flag: "--csv")
    }
    #expect(throws: OutputError.directory(flag: "--csv", path: path)) { try OutputFile.open(path, flag: "--csv") }
    #expect(throws: OutputError.noReader(flag: "--csv", path: path + "/fifo")) {
      try OutputFile.open(path + "/fifo", flag: "--csv")
    }
    #expect(throws: OutputError.empty(flag: "--csv")) { try OutputFile.open("", flag: "--csv") }
    #expect(FileManager.default.fileExists(atPath: path + "/absent") == false)
    #expect(try String(contentsOfFile: path + "/victim", encoding: .utf8) == "victim")
  }

  @Test func aFIFOWithAReaderOpensAndWritesBlock() throws {
    let folder = try OomlabProcess.temporaryDirectory()
    defer { try? FileManager.default.removeItem(at: folder) }
    let fifo = folder.path + "/fifo"
    #expect(mkfifo(fifo, 0o600) == 0)
    let reader = open(fifo, O_RDONLY | O_NONBLOCK | O_CLOEXEC)
    try #require(reader >= 0)
    defer { close(reader) }
    let file = try OutputFile.open(fifo, flag: "--csv")
    #expect(!file.isRegular)
    #expect(fcntl(file.descriptor, F_GETFL) & O_NONBLOCK == 0)
  }

  @Test func aCreatedFileIsRemovedUnlessKeptAndAnExistingOneIsLeftAlone() throws {
    let folder = try OomlabProcess.temporaryDirectory()
    defer { try? FileManager.default.removeItem(at: folder) }
    let fresh = folder.path + "/fresh.csv"
    do { _ = try OutputFile.open(fresh, flag: "--csv") }
    #expect(!FileManager.default.fileExists(atPath: fresh))
    do {
      let writer = CSVWriter(try OutputFile.open(fresh, flag: "--csv"))
      try writer.start()
    }
    #expect(try String(contentsOfFile: fresh, encoding: .utf8) == CSVSchema.header + "\n")
    let existing = folder.path + "/existing.csv"
    try "kept\n".write(toFile: existing, atomically: false, encoding: .utf8)
    do { _ = try OutputFile.open(existing, flag: "--csv") }
    #expect(try String(contentsOfFile: existing, encoding: .utf8) == "kept\n")
  }

  @Test func aGeneratedNameNeverReusesAFileOrALink() throws {
    let folder = try OomlabProcess.temporaryDirectory()
    defer { try? FileManager.default.removeItem(at: folder) }
    let path = folder.path + "/run.csv"
    try "old".write(toFile: path, atomically: false, encoding: .utf8)
    #expect(symlink("/nonexistent-oomlab-target", folder.path + "/run-1.csv") == 0)
    let file = try OutputFile.create(path, flag: "--csv")
    #expect(file.path == folder.path + "/run-2.csv")
    file.keep()
    #expect(try String(contentsOfFile: path, encoding: .utf8) == "old")
    #expect(FileKind.at(folder.path + "/run-1.csv") == .symbolicLink)
    #expect(FileKind.at(folder.path + "/run-2.csv") == .regular)
  }

  // MARK: - Replacing the summary

  @Test func replaceWritesWholeThroughANewTemporaryAndLeavesNoneBehind() throws {
    let folder = try OomlabProcess.temporaryDirectory()
    defer { try? FileManager.default.removeItem(at: folder) }
    let path = folder.path + "/summary.json"
    try "old".write(toFile: path, atomically: false, encoding: .utf8)
    try OutputFile.replace(path, with: Array("new\n".utf8), flag: "--summary")
    #expect(try String(contentsOfFile: path, encoding: .utf8) == "new\n")
    let mask = umask(0)
    umask(mask)
    let mode = try #require(try FileManager.default.attributesOfItem(atPath: path)[.posixPermissions] as? Int)
    #expect(mode == 0o644 & ~Int(mask))
    #expect(try FileManager.default.contentsOfDirectory(atPath: folder.path) == ["summary.json"])
  }

  @Test func replaceRefusesALinkAndCleansUpAFailedRename() throws {
    let folder = try OomlabProcess.temporaryDirectory()
    defer { try? FileManager.default.removeItem(at: folder) }
    try "victim".write(toFile: folder.path + "/victim", atomically: false, encoding: .utf8)
    #expect(symlink("victim", folder.path + "/link") == 0)
    #expect(throws: OutputError.symbolicLink(flag: "--summary", path: folder.path + "/link")) {
      try OutputFile.replace(folder.path + "/link", with: [0x41], flag: "--summary")
    }
    try FileManager.default.createDirectory(atPath: folder.path + "/dir", withIntermediateDirectories: false)
    #expect(throws: SystemError.self) { try OutputFile.replace(folder.path + "/dir", with: [0x41], flag: "--summary") }
    #expect(try FileManager.default.contentsOfDirectory(atPath: folder.path).sorted() == ["dir", "link", "victim"])
    #expect(try String(contentsOfFile: folder.path + "/victim", encoding: .utf8) == "victim")
  }

  @Test func theSummaryCheckRefusesWhatReplaceCouldNotWrite() throws {
    let folder = try OomlabProcess.temporaryDirectory()
    defer { try? FileManager.default.removeItem(at: folder) }
    #expect(mkfifo(folder.path + "/fifo", 0o600) == 0)
    try OutputFile.checkReplaceable(folder.path + "/new.json", flag: "--summary")
    try OutputFile.checkReplaceable("-", flag: "--summary")
    #expect(throws: OutputError.unsupported(flag: "--summary", path: folder.path + "/fifo", kind: "a FIFO")) {
      try OutputFile.checkReplaceable(folder.path + "/fifo", flag: "--summary")
    }
    #expect(throws: OutputError.directory(flag: "--summary", path: folder.path)) {
      try OutputFile.checkReplaceable(folder.path, flag: "--summary")
    }
    #expect(throws: OutputError.unwritable(flag: "--summary", path: folder.path + "/no/x.json", errno: ENOENT)) {
      try OutputFile.checkReplaceable(folder.path + "/no/x.json", flag: "--summary")
    }
    #expect(try FileManager.default.contentsOfDirectory(atPath: folder.path) == ["fifo"])
  }
}
