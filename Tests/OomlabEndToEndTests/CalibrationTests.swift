import Foundation
import Testing

@testable import OomlabKit
import OomlabTestSupport

/// Why real Node cannot run here, or nil when it can.
let nodeUnavailable: String? = {
  FileManager.default.isExecutableFile(atPath: "/usr/bin/node") ? nil : "node is not installed at /usr/bin/node"
}()

/// The fastest calibration pairs, run by the suite: real Node 20 leaking arrays under
/// `--max-old-space-size=256` beside the `leak of: objects` that models it. The rest, which take
/// minutes, are in scripts/calibrate.sh. About 300 MiB each, under the 2 GiB the suite allows.
@Suite(.serialized, .enabled(if: nodeUnavailable == nil, "\(nodeUnavailable ?? "")"))
struct CalibrationTests {
  /// Node's heap used after its last mark-compact (V8's "MB" are MiB), and whether it died of heap OOM.
  static func node(elements: Int) throws -> (heapUsed: Double, heapOom: Bool) {
    let process = Process()
    process.executableURL = URL(fileURLWithPath: "/usr/bin/node")
    process.arguments = [
      "--max-old-space-size=256",
      repositoryRoot().appendingPathComponent("scripts/calibration/heap-leak.js").path, String(elements),
    ]
    let errors = Pipe()
    process.standardError = errors
    process.standardOutput = FileHandle.nullDevice
    try process.run()
    let text = String(decoding: errors.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
    process.waitUntilExit()
    let pattern = try Regex(#"Mark-Compact(?: \(reduce\))? [\d.]+ \([\d.]+\) -> ([\d.]+) \([\d.]+\) MB"#)
    let last = text.matches(of: pattern).last.flatMap { Double($0.output[1].substring ?? "") } ?? 0
    return (last * MiB, process.terminationReason == .uncaughtSignal && text.contains("JavaScript heap out of memory"))
  }

  static func oomlab(block: Int) throws -> (heapUsed: Double, outcome: Outcome?) {
    let result = try OomlabProcess.run(
      """
      name: calibrate-leak
      sample: 20ms
      heap-limit: 256MiB
      steps:
        - leak: { rate: 4GiB/s, block: \(block), of: objects }
      """)
    defer { result.cleanUp() }
    return (result.csv?.last("heap_used_bytes") ?? 0, result.outcome)
  }

  /// A JSArray of 32 bytes and a FixedArray of 16 + 8 x elements.
  static func objectSize(_ elements: Int) -> Int { 32 + 16 + 8 * elements }

  @Test func aLeakOf64KiBArraysDiesWithTheHeapNodeDiesWith() throws {
    let real = try Self.node(elements: 8190)
    let model = try Self.oomlab(block: Self.objectSize(8190))
    #expect(real.heapOom && model.outcome == .heapOom)
    // Three to a 256 KiB page: both die near 195 MiB, three quarters of the limit. A heap that
    // counted live bytes against the limit died at 256 MiB.
    #expect(abs(model.heapUsed / real.heapUsed - 1) <= 0.10, "Node \(real.heapUsed / MiB) MiB, oomlab \(model.heapUsed / MiB) MiB")
    #expect(model.heapUsed < 0.85 * 256 * MiB)
  }

  @Test func aLeakOf1KiBArraysDiesNearTheLimitAsInNode() throws {
    let real = try Self.node(elements: 126)
    let model = try Self.oomlab(block: Self.objectSize(126))
    #expect(real.heapOom && model.outcome == .heapOom)
    #expect(abs(model.heapUsed / real.heapUsed - 1) <= 0.10, "Node \(real.heapUsed / MiB) MiB, oomlab \(model.heapUsed / MiB) MiB")
  }
}
