import Foundation
import Testing

import OomlabTestSupport

/// Kubernetes' and Docker's size spellings reach the limit a real run enforces, from the flag and from the file.
@Suite struct SizeSpellingCommandTests {
  static let quick = "name: spelled\nsample: 10ms\nsteps:\n  - buffers: { count: 1, size: 1Mi }\n  - hold: 20ms\n"

  @Test(arguments: [("512Mi", 512 * MiB), ("512m", 512 * MiB), ("0.5Gi", 512 * MiB), ("1g", 1024 * MiB)])
  func theFlagTakesKubernetesAndDockerSizes(_ spelled: String, _ bytes: Double) throws {
    // Simulated, so the limit is the one asked for on any machine (a container's own limit would replace it).
    let result = try OomlabProcess.run(Self.quick, arguments: ["--memory-limit", spelled, "--enforce", "simulated"])
    defer { result.cleanUp() }
    #expect(result.status == 0, "\(result.stdout)\(result.stderr)")
    #expect(result.report?.limitBytes == UInt64(bytes))
  }

  @Test func theScenarioTakesDockerSizes() throws {
    let result = try OomlabProcess.run(Self.quick.replacingOccurrences(of: "sample:", with: "limit: 256m\nsample:"),
      arguments: ["--enforce", "simulated"])
    defer { result.cleanUp() }
    #expect(result.status == 0, "\(result.stdout)\(result.stderr)")
    #expect(result.report?.limitBytes == UInt64(256 * MiB))
  }

  @Test(.enabled(if: cgroupUnavailable == nil, "\(cgroupUnavailable ?? "")"))
  func theCgroupIsGivenTheSpelledLimit() throws {
    let result = try OomlabProcess.run(Self.quick.replacingOccurrences(of: "sample:", with: "limit: 256m\nsample:"),
      arguments: ["--memory-limit", "512Mi"])
    defer { result.cleanUp() }
    #expect(result.status == 0, "\(result.stdout)\(result.stderr)")
    let csv = try #require(result.csv)
    #expect(csv.last("cgroup_limit_bytes") == 512 * MiB, "the flag wins over the file's 256m")
  }

  @Test func aMisspelledSizeIsRefusedListingTheSpellings() throws {
    let result = try OomlabProcess.run(Self.quick, arguments: ["--memory-limit", "512mb"])
    defer { result.cleanUp() }
    #expect(result.status == 2)
    #expect(result.stderr.contains("--memory-limit expects a size like 512MiB, 512Mi, 512m, 4KB or 4096, or none, got \"512mb\""),
      "\(result.stderr)")
    #expect(result.csv == nil)
  }
}
