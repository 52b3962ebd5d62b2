/// The managed heap's figures as Node's `process.memoryUsage()` and V8 name them.
public struct HeapFigures: Equatable, Sendable {
  /// Bytes of objects not yet collected, reachable or not (V8's heapUsed).
  public var usedBytes: UInt64 = 0
  /// Bytes of chunks the heap has committed (V8's heapTotal).
  public var totalBytes: UInt64 = 0
  /// The ceiling `usedBytes` may not exceed after a full collection (--max-old-space-size).
  public var limitBytes: UInt64 = 0
  /// Native payloads reported with `external: true`, plus buffers (Node's `external`).
  public var externalBytes: UInt64 = 0
  /// Collections run so far, whether pressure or a `gc` step started them.
  public var collections: UInt64 = 0
  /// Objects still reachable: not garbage, not collected.
  public var liveObjects: UInt64 = 0
  /// Bytes of native payloads of objects not yet collected, reported or not.
  public var payloadBytes: UInt64 = 0
}
