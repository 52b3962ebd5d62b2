import Glibc

/// One line of `/proc/PID/maps`: a mapping's range, whether it is read-write, and what it maps.
package struct ProcMapping: Equatable, Sendable {
  /// The path column, reduced to what telling malloc's heaps apart needs.
  package enum Name: Equatable, Sendable {
    /// No path: an anonymous mapping.
    case anonymous
    /// `[heap]`: the brk heap.
    case brkHeap
    /// A file, or another special mapping (`[stack]`, `[vdso]`, ...).
    case other
  }

  /// The first address.
  package var start: UInt64
  /// The address after the last.
  package var end: UInt64
  /// The permissions column allows reading and writing (`rw`).
  package var readWrite: Bool
  /// What the path column names.
  package var name: Name

  /// The mapping's length in bytes.
  package var length: UInt64 { end - start }

  /// Parses the text of /proc/PID/maps.
  package static func parse(_ text: String) -> [ProcMapping] {
    var copy = text
    return copy.withUTF8 { parse(UnsafeRawBufferPointer($0)) }
  }

  /// Parses the raw bytes of /proc/PID/maps; lines of another shape are skipped.
  package static func parse(_ bytes: UnsafeRawBufferPointer) -> [ProcMapping] {
    var mappings: [ProcMapping] = []
    var lineStart = 0
    while lineStart < bytes.count {
      let lineEnd = newline(bytes, from: lineStart)
      if let mapping = line(UnsafeRawBufferPointer(rebasing: bytes[lineStart..<lineEnd])) { mappings.append(mapping) }
      lineStart = lineEnd + 1
    }
    return mappings
  }

  /// Parses only the lines that can be glibc's heaps: `[heap]`, anonymous read-write mappings that
  /// start at a multiple of `alignment` and are no longer than it, and the line after each of those
  /// (where a sub-heap's PROT_NONE reservation goes on).
  ///
  /// The worker reads the file at the allocator's cadence, inside the malloc it measures: an array
  /// of every mapping would pass glibc's mmap threshold in a process with a few thousand, and its
  /// free would raise that threshold for the scenario's own blocks. Bytes rather than Strings, and
  /// no path kept, for the same reason. The kernel ends an unnamed mapping's line with the space
  /// after its inode and a special one with `]`, so a file's line is known by its last byte and is
  /// parsed only when it follows a candidate.
  package static func parseHeapCandidates(_ bytes: UnsafeRawBufferPointer, alignment: UInt64) -> [ProcMapping] {
    var mappings: [ProcMapping] = []
    var lineStart = 0
    var afterCandidate = false
    while lineStart < bytes.count {
      let lineEnd = newline(bytes, from: lineStart)
      let file = lineEnd > lineStart && bytes[lineEnd - 1] != 0x20 && bytes[lineEnd - 1] != 0x5D
      if afterCandidate || !file, let mapping = line(UnsafeRawBufferPointer(rebasing: bytes[lineStart..<lineEnd])) {
        let candidate =
          mapping.name == .anonymous && mapping.readWrite && mapping.start % alignment == 0 && mapping.length <= alignment
        if afterCandidate || candidate || mapping.name == .brkHeap { mappings.append(mapping) }
        afterCandidate = candidate
      } else {
        afterCandidate = false
      }
      lineStart = lineEnd + 1
    }
    return mappings
  }

  /// The index of the first newline at or after `start`, or the end of `bytes`; memchr, because a
  /// byte loop in a debug build costs more than the kernel takes to write the file.
  static func newline(_ bytes: UnsafeRawBufferPointer, from start: Int) -> Int {
    guard let base = bytes.baseAddress, start < bytes.count,
      let found = memchr(base + start, 0x0A, bytes.count - start)
    else { return bytes.count }
    return base.distance(to: UnsafeRawPointer(found))
  }

  /// `start-end perms offset dev inode [path]`, or nil for a line of another shape.
  static func line(_ line: UnsafeRawBufferPointer) -> ProcMapping? {
    var i = 0
    func hex() -> UInt64? {
      var value: UInt64 = 0
      let from = i
      while i < line.count, let digit = hexDigit(line[i]) {
        value = value << 4 | UInt64(digit)
        i += 1
      }
      return i > from ? value : nil
    }
    guard let start = hex(), i < line.count, line[i] == 0x2D else { return nil }
    i += 1
    guard let end = hex(), end >= start, i + 3 < line.count, line[i] == 0x20 else { return nil }
    let readWrite = line[i + 1] == 0x72 && line[i + 2] == 0x77
    // Four space-separated fields come before the path, which may itself hold spaces.
    var fields = 0
    while i < line.count && fields < 4 {
      while i < line.count && line[i] == 0x20 { i += 1 }
      while i < line.count && line[i] != 0x20 { i += 1 }
      fields += 1
    }
    while i < line.count && line[i] == 0x20 { i += 1 }
    let path = UnsafeRawBufferPointer(rebasing: line[i...])
    let name: Name = path.isEmpty ? .anonymous : path.elementsEqual("[heap]".utf8) ? .brkHeap : .other
    return ProcMapping(start: start, end: end, readWrite: readWrite, name: name)
  }

  static func hexDigit(_ byte: UInt8) -> UInt8? {
    switch byte {
    case 0x30...0x39: return byte - 0x30
    case 0x61...0x66: return byte - 0x61 + 10
    default: return nil
    }
  }
}
