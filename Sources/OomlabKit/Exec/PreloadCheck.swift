import Glibc

/// Whether a preloaded library made it into a program, judged from the outside.
///
/// A worker checks its own malloc; a foreign program cannot be asked. The dynamic loader maps every
/// LD_PRELOAD library before the program's own libraries, so once libc is in /proc/PID/maps the
/// answer is final; and a program without a loader (statically linked) never takes a preload at all,
/// which its ELF header says before it runs. Its maps cannot say so early on: the kernel maps the
/// loader only after the exec has already closed oomlab's start-up pipe.
enum PreloadCheck {
  /// true: `library` is mapped; false: libc is mapped and it is not, so it never will be; nil: not yet known.
  static func decide(maps: String, library: String) -> Bool? {
    var libc = false
    for line in maps.split(separator: "\n") {
      guard let slash = line.firstIndex(of: "/") else { continue }
      let path = line[slash...]
      if path == library { return true }
      let name = path.split(separator: "/").last ?? ""
      if name.hasPrefix("libc.so") || name.hasPrefix("libc-") { libc = true }
    }
    return libc ? false : nil
  }

  /// Whether `bytes`, the start of a file, are an ELF executable without a PT_INTERP program header:
  /// statically linked, so no loader ever reads LD_PRELOAD for it. false for anything else (scripts too).
  static func isStaticELF(_ bytes: [UInt8]) -> Bool {
    // e_ident: "\x7FELF", class 2 (64-bit), data 1 (little-endian): what oomlab's platforms run.
    guard bytes.count >= 64, bytes[0..<4] == [0x7F, 0x45, 0x4C, 0x46], bytes[4] == 2, bytes[5] == 1 else { return false }
    func integer(_ offset: Int, _ size: Int) -> Int {
      (0..<size).reduce(0) { $0 | Int(bytes[offset + $1]) << (8 * $1) }
    }
    let table = integer(0x20, 8)
    let entrySize = integer(0x36, 2)
    let count = integer(0x38, 2)
    guard entrySize >= 4, count > 0, table > 0, table + count * entrySize <= bytes.count else { return false }
    let ptInterp = 3
    return !(0..<count).contains { integer(table + $0 * entrySize, 4) == ptInterp }
  }

  /// Whether the program at `path` is a statically linked ELF executable.
  static func isStatic(_ path: String) -> Bool {
    let fd = open(path, O_RDONLY | O_CLOEXEC)
    guard fd >= 0 else { return false }
    defer { close(fd) }
    var bytes = [UInt8](repeating: 0, count: 65536)
    let n = bytes.withUnsafeMutableBytes { read(fd, $0.baseAddress, $0.count) }
    return n > 0 && isStaticELF(Array(bytes[0..<n]))
  }
}
