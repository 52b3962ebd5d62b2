/// What a Node process said of its own memory at one moment, through oomlab's preload script.
package struct NodeReport: Equatable, Sendable {
  /// The reporting process.
  package var pid: Int32
  /// When it reported, in nanoseconds on CLOCK_MONOTONIC (`process.hrtime.bigint()`), the supervisor's clock too.
  package var time: UInt64
  /// `process.memoryUsage().heapUsed`: bytes of live and not yet collected objects in V8's heap.
  package var heapUsed: UInt64
  /// `process.memoryUsage().heapTotal`: bytes V8 has committed for its heap.
  package var heapTotal: UInt64
  /// `process.memoryUsage().external`: bytes outside the heap that objects in it hold (Buffers among them).
  package var external: UInt64
  /// `process.memoryUsage().arrayBuffers`: bytes of ArrayBuffers and Buffers, part of `external`.
  package var arrayBuffers: UInt64
  /// `process.memoryUsage().rss`, as Node read it; the CSV's rss_bytes is the supervisor's own reading.
  package var rss: UInt64
  /// `v8.getHeapStatistics().heap_size_limit`: where V8 gives up with "heap out of memory".
  package var heapLimit: UInt64

  /// The first word of every report line, with the format's version.
  static let prefix = "oomlab-node 1 "

  /// Parses one line the preload wrote: `oomlab-node 1 PID TIME USED TOTAL EXTERNAL ARRAYBUFFERS RSS LIMIT`.
  package static func parse(_ line: Substring) -> NodeReport? {
    guard line.hasPrefix(prefix) else { return nil }
    let fields = line.dropFirst(prefix.count).split(separator: " ")
    guard fields.count == 8, let pid = Int32(fields[0]), pid > 0 else { return nil }
    let numbers = fields.dropFirst().compactMap { UInt64($0) }
    guard numbers.count == 7 else { return nil }
    return NodeReport(
      pid: pid, time: numbers[0], heapUsed: numbers[1], heapTotal: numbers[2], external: numbers[3],
      arrayBuffers: numbers[4], rss: numbers[5], heapLimit: numbers[6])
  }
}
