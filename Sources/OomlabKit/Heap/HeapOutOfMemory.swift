/// A full collection left the managed heap's old generation past its limit: Node's fatal
/// "JavaScript heap out of memory".
package struct HeapOutOfMemory: Error, CustomStringConvertible, Equatable {
  /// Node's own words, so logs and alerts written for Node match oomlab's too.
  package static let fatalLine = "FATAL ERROR: Reached heap limit Allocation failed - JavaScript heap out of memory"

  /// The bytes of the object whose allocation collected, 0 when a `gc` step or external pressure did.
  package let requestedBytes: UInt64
  /// The heap just before the last collection.
  package let beforeCollection: HeapFigures
  /// The heap after it.
  package let figures: HeapFigures

  /// The fatal line followed by the heap figures, as stored for the summary.
  package var description: String {
    let cause =
      requestedBytes > 0
      ? "a \(ByteSize.format(requestedBytes)) object's allocation ran collection \(figures.collections)"
      : "collection \(figures.collections)"
    return "\(Self.fatalLine) (heap_used \(ByteSize.format(figures.usedBytes)), heap_total \(ByteSize.format(figures.totalBytes)), "
      + "heap_limit \(ByteSize.format(figures.limitBytes)), old generation \(ByteSize.format(figures.oldCapacityBytes)), "
      + "external \(ByteSize.format(figures.externalBytes)); \(cause))"
  }

  /// What the worker writes to stderr, laid out like Node's report of the same death.
  package func report(pid: Int32) -> String {
    func mb(_ bytes: UInt64) -> String { String(format1: Double(bytes) / 1_048_576) }
    let before = beforeCollection
    return """
      <--- Last few GCs --->

      [\(pid)] Mark-Compact \(mb(before.usedBytes)) (\(mb(before.totalBytes))) -> \(mb(figures.usedBytes)) (\(mb(figures.totalBytes))) MB, allocation failure

      \(Self.fatalLine)
      heap_used \(figures.usedBytes) bytes, heap_total \(figures.totalBytes) bytes, heap_limit \(figures.limitBytes) bytes, old generation \(figures.oldCapacityBytes) bytes, external \(figures.externalBytes) bytes; \(String(count: figures.scavenges, "scavenge")) and \(String(count: figures.collections - figures.scavenges, "full collection"))

      """
  }
}
