/// The managed heap's figures as Node's `process.memoryUsage()` and V8 name them.
package struct HeapFigures: Equatable, Sendable {
  /// Bytes of objects not yet collected, reachable or not, young and old (V8's heapUsed).
  package var usedBytes: UInt64 = 0
  /// Bytes of pages the heap has committed, new space's semi-spaces included (V8's heapTotal).
  package var totalBytes: UInt64 = 0
  /// The limit on the old generation (--max-old-space-size), compared with `oldCapacityBytes`.
  package var limitBytes: UInt64 = 0
  /// What V8 compares with the limit: the usable bytes of old-space pages plus the large
  /// objects' own bytes (`Heap::OldGenerationCapacity`); above the limit after a full collection is fatal.
  package var oldCapacityBytes: UInt64 = 0
  /// Native payloads reported as external or array buffers, plus `buffers` (Node's `external`).
  package var externalBytes: UInt64 = 0
  /// Collections run so far, scavenges and full ones, whether pressure or a `gc` step started them.
  package var collections: UInt64 = 0
  /// Of `collections`, the scavenges of the young generation.
  package var scavenges: UInt64 = 0
  /// Objects still reachable: not garbage, not collected.
  package var liveObjects: UInt64 = 0
  /// Bytes of native payloads of objects not yet collected, reported or not.
  package var payloadBytes: UInt64 = 0
}
