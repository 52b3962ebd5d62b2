/// Whether a preloaded library made it into a program, read from the outside in /proc/PID/maps.
///
/// A worker checks its own malloc; a foreign program cannot be asked, but the dynamic loader maps
/// every LD_PRELOAD library before the program's own libraries, so once libc is mapped the answer is
/// final, and a program without the loader mapped (statically linked) never takes a preload at all.
enum PreloadCheck {
  /// true: `library` is mapped; false: it never will be; nil: the loader has not got that far yet.
  static func decide(maps: String, library: String) -> Bool? {
    var loader = false
    var libc = false
    for line in maps.split(separator: "\n") {
      guard let slash = line.firstIndex(of: "/") else { continue }
      let path = line[slash...]
      if path == library { return true }
      let name = path.split(separator: "/").last ?? ""
      if name.hasPrefix("ld-linux") || name.hasPrefix("ld-musl") || name.hasPrefix("ld64.so") { loader = true }
      if name.hasPrefix("libc.so") || name.hasPrefix("libc-") { libc = true }
    }
    return loader && !libc ? nil : false
  }
}
