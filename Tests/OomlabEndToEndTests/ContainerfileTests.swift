import Foundation
import Testing

@testable import OomlabKit
import OomlabTestSupport

/// The Containerfile at the repository root: what it copies exists and is not ignored, its image runs oomlab as
/// the user the emitted Jobs name, and, where a container engine can fetch its base images, it builds and runs.
@Suite struct ContainerfileTests {
  /// The Containerfile's instructions, continuation lines joined and comments dropped.
  static func instructions() throws -> [(keyword: String, rest: String)] {
    let text = try String(contentsOf: repositoryRoot().appendingPathComponent("Containerfile"), encoding: .utf8)
    var joined: [String] = []
    var pending = ""
    for line in text.split(separator: "\n").map(String.init) where !line.hasPrefix("#") {
      if line.hasSuffix("\\") {
        pending += line.dropLast() + " "
      } else {
        joined.append(pending + line)
        pending = ""
      }
    }
    return joined.compactMap { line in
      let words = line.split(separator: " ", maxSplits: 1).map(String.init)
      return words.isEmpty ? nil : (words[0].uppercased(), words.count > 1 ? words[1] : "")
    }
  }

  @Test func everythingItCopiesIsThereAndSentToTheEngine() throws {
    let root = repositoryRoot()
    let ignored = try String(contentsOf: root.appendingPathComponent(".dockerignore"), encoding: .utf8)
      .split(separator: "\n").map(String.init).filter { !$0.hasPrefix("#") && !$0.isEmpty }
    let copies = try Self.instructions().filter { $0.keyword == "COPY" && !$0.rest.hasPrefix("--from=") }
    #expect(copies.count >= 4)
    for copy in copies {
      let sources = copy.rest.split(separator: " ").map(String.init).dropLast()
      for source in sources {
        #expect(FileManager.default.fileExists(atPath: root.appendingPathComponent(source).path), "COPY \(source)")
        #expect(!ignored.contains(source), "COPY \(source) is in .dockerignore")
      }
    }
    // Captured runs stay out, as the file's comment says.
    #expect(["**/*.csv", "**/stdout.txt", "**/stderr.txt"].allSatisfy(ignored.contains), "\(ignored)")
    // The package manifest's targets are all there, so `swift build` in the image finds every folder it names.
    let copied = Set(copies.flatMap { $0.rest.split(separator: " ").dropLast().map(String.init) })
    #expect(copied.isSuperset(of: ["Package.swift", "Sources", "Tests", "Scenarios"]))
  }

  @Test func theImageRunsOomlabAsTheJobsNonRootUser() throws {
    let instructions = try Self.instructions()
    #expect(instructions.filter { $0.keyword == "FROM" }.count == 2, "a build stage and a small runtime stage")
    let runs = instructions.filter { $0.keyword == "RUN" }.map(\.rest).joined(separator: "\n")
    #expect(runs.contains("swift build -c release --static-swift-stdlib"))
    #expect(runs.contains("libjemalloc2"))
    #expect(runs.contains("--uid \(KubernetesManifest.userID)"))
    let user = try #require(instructions.last { $0.keyword == "USER" })
    #expect(user.rest == "\(KubernetesManifest.userID):\(KubernetesManifest.userID)")
    #expect(instructions.last { $0.keyword == "WORKDIR" }?.rest == KubernetesManifest.workingDirectory)
    #expect(instructions.last?.keyword == "CMD" && instructions.last?.rest == "[\"oomlab\", \"--help\"]")
  }

  /// A container engine that can fetch the Containerfile's base images, or why there is none.
  static let engine: (path: String?, unavailable: String?) = {
    let candidates = ["podman", "docker"].compactMap { name in
      (ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin:/bin").split(separator: ":")
        .map { "\($0)/\(name)" }.first { FileManager.default.isExecutableFile(atPath: $0) }
    }
    guard let engine = candidates.first else { return (nil, "neither podman nor docker is installed") }
    guard let text = try? String(contentsOf: repositoryRoot().appendingPathComponent("Containerfile"), encoding: .utf8) else {
      return (nil, "no Containerfile")
    }
    let images = text.split(separator: "\n").filter { $0.hasPrefix("ARG ") && $0.contains("_IMAGE=") }
      .map { String($0.split(separator: "=", maxSplits: 1)[1]) }
    for image in images {
      let (status, output) = run(engine, ["pull", "--quiet", image])
      if status != 0 {
        let reason = output.split(separator: "\n").last.map(String.init) ?? "status \(status)"
        return (nil, "\(engine) cannot pull \(image): \(reason)")
      }
    }
    return (engine, nil)
  }()

  /// Runs `executable` with `arguments`; its status and its stdout and stderr together.
  static func run(_ executable: String, _ arguments: [String]) -> (Int32, String) {
    let process = Process()
    process.executableURL = URL(fileURLWithPath: executable)
    process.arguments = arguments
    let output = Pipe()
    process.standardOutput = output
    process.standardError = output
    guard (try? process.run()) != nil else { return (-1, "cannot start \(executable)") }
    let data = output.fileHandleForReading.readDataToEndOfFile()
    process.waitUntilExit()
    return (process.terminationStatus, String(decoding: data, as: UTF8.self))
  }

  @Test(.enabled(if: engine.unavailable == nil, "\(engine.unavailable ?? "")"))
  func theImageBuildsAndRunsOomlab() throws {
    let engine = try #require(Self.engine.path)
    let tag = "localhost/oomlab-test:\(UUID().uuidString.lowercased())"
    let build = Self.run(engine, ["build", "-t", tag, "-f", "Containerfile", repositoryRoot().path])
    defer { _ = Self.run(engine, ["rmi", "-f", tag]) }
    try #require(build.0 == 0, "\(build.1)")
    let version = Self.run(engine, ["run", "--rm", tag, "oomlab", "--version"])
    #expect(version.0 == 0 && version.1.trimmingCharacters(in: .whitespacesAndNewlines) == "0.1.0", "\(version.1)")
    let help = Self.run(engine, ["run", "--rm", tag])
    #expect(help.0 == 0 && help.1.contains("USAGE: oomlab"), "\(help.1)")
    let user = Self.run(engine, ["run", "--rm", tag, "id", "-u"])
    #expect(user.1.trimmingCharacters(in: .whitespacesAndNewlines) == "\(KubernetesManifest.userID)")
  }
}
