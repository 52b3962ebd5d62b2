/// When the managed heap collects on its own: V8's allocation limits, simplified.
///
/// Two limits, as in V8: one on heap bytes, which grows with what survives a collection and is
/// capped by the heap limit, and one on external bytes, which allows a fixed amount of growth
/// past what the last collection left. Native payloads that are not reported move neither.
public struct CollectionTrigger: Equatable, Sendable {
  /// The lowest heap threshold, so a small heap is not collected after every few objects.
  public static let minimumThreshold: UInt64 = 8 << 20
  /// How much the surviving bytes may grow before the next collection (V8's growing factor, 1.1 to 4).
  public static let growthFactor: UInt64 = 2
  /// External growth allowed between collections (V8's kExternalAllocationSoftLimit, 64 MB).
  public static let externalAllowance: UInt64 = 64 << 20

  /// The heap limit that caps the heap threshold.
  public let limit: UInt64
  /// The floor of the heap threshold: an eighth of the limit, at least `minimumThreshold`.
  public let floor: UInt64
  /// Heap bytes above which an allocation collects first.
  public private(set) var heapThreshold: UInt64
  /// External bytes above which an allocation collects first.
  public private(set) var externalThreshold: UInt64

  /// Creates the trigger of a heap limited to `limit` bytes.
  public init(limit: UInt64) {
    self.limit = limit
    floor = min(limit, max(Self.minimumThreshold, limit / 8))
    heapThreshold = floor
    externalThreshold = Self.externalAllowance
  }

  /// Whether the heap must collect before it holds `usedBytes` and `externalBytes`.
  public func shouldCollect(usedBytes: UInt64, externalBytes: UInt64) -> Bool {
    usedBytes > heapThreshold || externalBytes > externalThreshold
  }

  /// Moves both thresholds after a collection that left `usedBytes` and `externalBytes`.
  public mutating func collected(usedBytes: UInt64, externalBytes: UInt64) {
    let (grown, overflow) = usedBytes.multipliedReportingOverflow(by: Self.growthFactor)
    heapThreshold = min(limit, max(floor, overflow ? .max : grown))
    externalThreshold = externalBytes + Self.externalAllowance
  }
}
