/// Which malloc serves the worker: the C library's, jemalloc, or any preloadable library.
package enum AllocatorChoice: Hashable, Sendable, CustomStringConvertible {
  case glibc
  case jemalloc
  /// A shared object to preload, such as libtcmalloc.so or libmimalloc.so.
  case library(String)

  /// Parses `glibc`, `jemalloc` or a path.
  package init(_ text: String) {
    switch text {
    case "glibc", "libc": self = .glibc
    case "jemalloc": self = .jemalloc
    default: self = .library(text)
    }
  }

  /// The preloaded library's path, nil for glibc and jemalloc.
  package var libraryPath: String? {
    if case .library(let path) = self { return path }
    return nil
  }

  /// The short name used in the CSV's `allocator` column and file names.
  package var description: String {
    switch self {
    case .glibc: return "glibc"
    case .jemalloc: return "jemalloc"
    case .library(let path):
      let file = path.split(separator: "/").last.map(String.init) ?? path
      return file.hasPrefix("lib") ? String(file.dropFirst(3).prefix { $0 != "." }) : file
    }
  }
}
