/// The per-arena figures of glibc's `malloc_info` XML that say where its heaps are.
///
/// glibc's malloc.c (`__malloc_info`) writes one `<heap nr=N>` per arena; for the main arena
/// `<aspace type="mprotect">` is its `system_mem` (the brk heap), for every other arena the sum of
/// its sub-heaps' `mprotect_size` (the read-write part of each 64 MiB reservation) and
/// `<aspace type="subheaps">` their count.
public struct MallocInfo: Equatable, Sendable {
  /// One `<heap nr=N>` element.
  public struct Heap: Equatable, Sendable {
    /// The arena's number: 0 is the main arena, which grows the brk heap.
    public var number: UInt64
    /// `<system type="current">`: bytes the arena holds from the kernel.
    public var systemCurrent: UInt64 = 0
    /// `<aspace type="mprotect">`: bytes of its mappings made read-write.
    public var mprotect: UInt64 = 0
    /// `<aspace type="subheaps">`: how many 64 MiB heaps a non-main arena spans (0 for the main arena).
    public var subheaps: UInt64 = 0
  }

  /// The arenas, in the order malloc_info lists them.
  public var heaps: [Heap] = []

  /// Parses malloc_info's text; elements outside a `<heap>` (the totals) are skipped.
  public static func parse(_ text: String) -> MallocInfo {
    var info = MallocInfo()
    var current: Heap?
    for line in text.split(separator: "\n") {
      let trimmed = line.drop { $0 == " " }
      if trimmed.hasPrefix("<heap nr=") {
        current = Heap(number: attribute("nr", in: trimmed) ?? UInt64(info.heaps.count))
      } else if trimmed.hasPrefix("</heap>") {
        if let heap = current { info.heaps.append(heap) }
        current = nil
      } else if current != nil, let size = attribute("size", in: trimmed) {
        if trimmed.hasPrefix("<system type=\"current\"") {
          current?.systemCurrent = size
        } else if trimmed.hasPrefix("<aspace type=\"mprotect\"") {
          current?.mprotect = size
        } else if trimmed.hasPrefix("<aspace type=\"subheaps\"") {
          current?.subheaps = size
        }
      }
    }
    return info
  }

  /// The unsigned value of `name="..."` in one element, or nil.
  static func attribute(_ name: String, in element: Substring) -> UInt64? {
    guard let start = element.firstRange(of: " \(name)=\"")?.upperBound else { return nil }
    return UInt64(element[start...].prefix { $0 != "\"" })
  }

  /// The main arena's brk heap, nil when malloc_info lists no arena 0.
  public var main: Heap? { heaps.first { $0.number == 0 } }

  /// The non-main arenas' sub-heaps: how many, and their read-write bytes in all.
  public var subheaps: (count: UInt64, bytes: UInt64) {
    heaps.filter { $0.number != 0 }.reduce((0, 0)) { ($0.0 + $1.subheaps, $0.1 + $1.mprotect) }
  }
}
