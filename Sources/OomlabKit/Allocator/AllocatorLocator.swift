import Glibc

/// Finds a preloadable allocator library the way the dynamic loader would.
package enum AllocatorLocator {
  /// Why an allocator cannot be used.
  package enum Failure: Error, CustomStringConvertible {
    case notFound(String, searched: [String])
    case notReadable(String)

    package var description: String {
      switch self {
      case .notFound(let name, let searched):
        return "\(name) not found (looked in the loader cache and \(searched.joined(separator: ", "))); "
          + "install it with: apt-get install libjemalloc-dev (or libjemalloc2)"
      case .notReadable(let path): return "allocator library \(path) does not exist or is not readable"
      }
    }
  }

  /// The directories searched after the loader cache.
  static let directories = [
    "/usr/lib/x86_64-linux-gnu", "/lib/x86_64-linux-gnu", "/usr/lib/aarch64-linux-gnu", "/lib/aarch64-linux-gnu",
    "/usr/lib64", "/lib64", "/usr/local/lib", "/usr/lib", "/lib",
  ]

  /// Picks the path for `soname` (like `libjemalloc.so.2`) from `ldconfig -p` output.
  package static func parseLoaderCache(_ text: String, names: [String]) -> String? {
    for name in names {
      for line in text.split(separator: "\n") {
        let trimmed = line.trimmingCharacters(in: " \t")
        guard trimmed.hasPrefix(name + " "), let arrow = trimmed.range(of: "=> ") else { continue }
        return String(trimmed[arrow.upperBound...])
      }
    }
    return nil
  }

  /// The library to preload for `choice`, or nil for glibc.
  package static func resolve(_ choice: AllocatorChoice, environment: [String: String]) throws -> String? {
    switch choice {
    case .glibc: return nil
    case .library(let path):
      guard access(path, R_OK) == 0 else { throw Failure.notReadable(path) }
      return path
    case .jemalloc:
      // OOMLAB_JEMALLOC names a jemalloc built elsewhere (a custom prefix, a debug build).
      if let override = environment["OOMLAB_JEMALLOC"], !override.isEmpty {
        guard access(override, R_OK) == 0 else { throw Failure.notReadable(override) }
        return override
      }
      let names = ["libjemalloc.so.2", "libjemalloc.so"]
      for ldconfig in ["/sbin/ldconfig", "/usr/sbin/ldconfig"] where access(ldconfig, X_OK) == 0 {
        if let output = try? Command.output(ldconfig, ["-p"]), let path = parseLoaderCache(output, names: names),
          access(path, R_OK) == 0
        {
          return path
        }
      }
      for directory in directories {
        for name in names where access("\(directory)/\(name)", R_OK) == 0 { return "\(directory)/\(name)" }
      }
      throw Failure.notFound("jemalloc", searched: directories)
    }
  }
}

extension Substring {
  func trimmingCharacters(in set: String) -> Substring {
    var s = self
    while let c = s.first, set.contains(c) { s.removeFirst() }
    while let c = s.last, set.contains(c) { s.removeLast() }
    return s
  }
}
