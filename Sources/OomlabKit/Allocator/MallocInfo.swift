/// The per-arena figures of glibc's `malloc_info` XML that say where its heaps are.
///
/// glibc's malloc.c (`__malloc_info`) writes one `<heap nr=N>` per arena; for the main arena
/// `<aspace type="mprotect">` is its `system_mem` (the brk heap), for every other arena the sum of
/// its sub-heaps' `mprotect_size` (the read-write part of each 64 MiB reservation) and
/// `<aspace type="subheaps">` their count.
package struct MallocInfo: Equatable, Sendable {
  /// One `<heap nr=N>` element.
  package struct Heap: Equatable, Sendable {
    /// The arena's number: 0 is the main arena, which grows the brk heap.
    package var number: UInt64
    /// `<system type="current">`: bytes the arena holds from the kernel.
    package var systemCurrent: UInt64 = 0
    /// `<aspace type="mprotect">`: bytes of its mappings made read-write.
    package var mprotect: UInt64 = 0
    /// `<aspace type="subheaps">`: how many 64 MiB heaps a non-main arena spans (0 for the main arena).
    package var subheaps: UInt64 = 0
  }

  /// The arenas, in the order malloc_info lists them.
  package var heaps: [Heap] = []

  /// Parses malloc_info's text; elements outside a `<heap>` (the totals) are skipped.
  package static func parse(_ text: String) -> MallocInfo {
    var copy = text
    return copy.withUTF8 { parse(UnsafeRawBufferPointer($0)) }
  }

  static let heapStartKey = Array("<heap nr=\"".utf8)
  static let heapEndKey = Array("</heap>".utf8)
  static let systemCurrentKey = Array("<system type=\"current\" size=\"".utf8)
  static let mprotectKey = Array("<aspace type=\"mprotect\" size=\"".utf8)
  static let subheapsKey = Array("<aspace type=\"subheaps\" size=\"".utf8)

  /// Parses malloc_info's raw bytes, one element per line as glibc writes them.
  ///
  /// Bytes rather than Strings because the worker parses it at the allocator's cadence, inside
  /// the malloc it measures, and a fragmented heap lists hundreds of `<size>` lines.
  package static func parse(_ bytes: UnsafeRawBufferPointer) -> MallocInfo {
    var info = MallocInfo()
    var current: Heap?
    var lineStart = 0
    while lineStart < bytes.count {
      let lineEnd = ProcMapping.newline(bytes, from: lineStart)
      var i = lineStart
      while i < lineEnd && bytes[i] == 0x20 { i += 1 }
      let line = UnsafeRawBufferPointer(rebasing: bytes[i..<lineEnd])
      // Most lines are `<size .../>` histogram entries: one byte tells them from the elements read here.
      if line.count < 2 || line[1] == 0x73 && line.count > 2 && line[2] == 0x69 {
        lineStart = lineEnd + 1
        continue
      }
      if let number = value(line, after: heapStartKey) {
        current = Heap(number: number)
      } else if line.starts(with: heapEndKey) {
        if let heap = current { info.heaps.append(heap) }
        current = nil
      } else if current != nil {
        if let size = value(line, after: systemCurrentKey) {
          current?.systemCurrent = size
        } else if let size = value(line, after: mprotectKey) {
          current?.mprotect = size
        } else if let size = value(line, after: subheapsKey) {
          current?.subheaps = size
        }
      }
      lineStart = lineEnd + 1
    }
    return info
  }

  /// The decimal number right after `prefix` when the line starts with it.
  static func value(_ line: UnsafeRawBufferPointer, after prefix: [UInt8]) -> UInt64? {
    guard line.starts(with: prefix) else { return nil }
    var value: UInt64 = 0
    var digits = 0
    for byte in line[prefix.count...] {
      guard byte >= 0x30 && byte <= 0x39 else { break }
      value = value &* 10 &+ UInt64(byte - 0x30)
      digits += 1
    }
    return digits > 0 ? value : nil
  }

  /// The main arena's brk heap, nil when malloc_info lists no arena 0.
  package var main: Heap? { heaps.first { $0.number == 0 } }

  /// The non-main arenas' sub-heaps: how many, and their read-write bytes in all.
  package var subheaps: (count: UInt64, bytes: UInt64) {
    heaps.filter { $0.number != 0 }.reduce((0, 0)) { ($0.0 + $1.subheaps, $0.1 + $1.mprotect) }
  }
}
