import Foundation
import Testing

@testable import OomlabKit
import OomlabTestSupport

/// `oomlab list` says what it looked for when it finds nothing to list, in its own words.
@Suite struct ListCommandTests {
  static let good = "name: good\nabout: fine\nsteps:\n  - hold: 1ms\n"

  /// Foundation's and the C library's own phrasings, which `list` used to pass through.
  static func expectOwnWords(_ stderr: String) {
    for leak in ["NSCocoaErrorDomain", "error 256", "The file", "couldn’t", "Error Domain"] {
      #expect(!stderr.contains(leak), "\(stderr)")
    }
  }

  @Test func aScenarioFileIsNotAFolder() throws {
    let directory = try MatrixCommandTests.folder(["one.yaml": Self.good])
    defer { try? FileManager.default.removeItem(at: directory) }
    let result = try OomlabProcess.invoke(["list", "one.yaml"], directory: directory)
    #expect(result.status == 2)
    #expect(result.stdout.isEmpty)
    #expect(result.stderr.contains("\"one.yaml\" is a file, not a folder"), "\(result.stderr)")
    #expect(result.stderr.contains("oomlab validate one.yaml"))
    Self.expectOwnWords(result.stderr)
  }

  @Test func withoutAnArgumentOutsideTheRepositoryItSaysWhereItLooked() throws {
    let directory = try MatrixCommandTests.folder([:])
    defer { try? FileManager.default.removeItem(at: directory) }
    let result = try OomlabProcess.invoke(["list"], directory: directory)
    #expect(result.status == 2)
    let here = directory.resolvingSymlinksInPath().path
    #expect(result.stderr.contains("no folder \"Scenarios\" in \(here)"), "\(result.stderr)")
    #expect(result.stderr.contains("oomlab list DIR"))
    Self.expectOwnWords(result.stderr)
  }

  @Test func aNamedFolderThatIsMissingIsNamed() throws {
    let directory = try MatrixCommandTests.folder([:])
    defer { try? FileManager.default.removeItem(at: directory) }
    let result = try OomlabProcess.invoke(["list", "nowhere"], directory: directory)
    #expect(result.status == 2)
    #expect(result.stderr.contains("\"nowhere\" does not exist: expected a folder of scenario files (*.yaml and *.yml)"),
      "\(result.stderr)")
    Self.expectOwnWords(result.stderr)
  }

  @Test func aFolderWithoutScenariosIsNotAnEmptySuccess() throws {
    let directory = try MatrixCommandTests.folder(["notes.txt": "hello", "data.json": "{}"])
    defer { try? FileManager.default.removeItem(at: directory) }
    let result = try OomlabProcess.invoke(["list", "."], directory: directory)
    #expect(result.status == 2)
    #expect(result.stdout.isEmpty)
    #expect(result.stderr.contains("no scenario files in \".\": looked for *.yaml and *.yml files"), "\(result.stderr)")
  }

  @Test func yamlAndYmlFilesAreListedInOrder() throws {
    let directory = try MatrixCommandTests.folder([
      "b.yml": Self.good.replacingOccurrences(of: "good", with: "bee"), "a.yaml": Self.good, "c.txt": "no",
    ])
    defer { try? FileManager.default.removeItem(at: directory) }
    let result = try OomlabProcess.invoke(["list", directory.path + "/"], directory: directory)
    #expect(result.status == 0, "\(result.stderr)")
    let listed = result.stdout.split(separator: "\n").filter { !$0.hasPrefix(" ") }
    #expect(listed == ["\(directory.path)/a.yaml", "\(directory.path)/b.yml"])
  }

  @Test func helpSaysTheDefaultOnce() throws {
    let result = try OomlabProcess.invoke(["list", "--help"], directory: repositoryRoot())
    #expect(result.status == 0)
    #expect(result.stdout.components(separatedBy: "default:").count == 2, "\(result.stdout)")
    #expect(result.stdout.contains("Scenarios"))
  }
}
