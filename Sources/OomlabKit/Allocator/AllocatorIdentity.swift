import COomlabShim
import Glibc

/// Which shared object actually serves `malloc` in this process.
package struct AllocatorIdentity: Equatable, Sendable {
  /// The path of the object `malloc` resolves to.
  package let provider: String
  /// Whether jemalloc's `mallctl` is reachable.
  package let hasMallctl: Bool

  /// The identity of this process's malloc; it cannot change after start-up, and dladdr is
  /// costly enough to show in a 10 ms statistics loop, so it is looked up once.
  package static func current() -> AllocatorIdentity { cached }

  private static let cached = AllocatorIdentity(
    provider: oomlab_malloc_provider().map { String(cString: $0) } ?? "unknown",
    hasMallctl: oomlab_jemalloc_present() != 0)

  /// Whether glibc's malloc serves this process.
  package var isGlibc: Bool { provider.contains("libc.so") && !hasMallctl }

  /// Fails unless the allocator asked for is the one serving `malloc` and, under jemalloc, it holds
  /// every value `mallocConf` (the worker's MALLOC_CONF) asks for.
  package func verify(_ expected: AllocatorChoice, preloaded: String?, mallocConf: String? = nil) throws {
    let ok: Bool
    switch expected {
    case .glibc: ok = isGlibc
    case .jemalloc: ok = hasMallctl && (preloaded.map { provider == $0 || provider.contains("jemalloc") } ?? true)
    case .library(let path): ok = provider == path || provider == preloaded || Self.sameFile(provider, path)
    }
    guard ok else {
      throw WorkloadError.failed(
        "asked for \(expected) but malloc is served by \(provider)"
          + (preloaded.map { " although \($0) was preloaded (LD_PRELOAD defeated, or that library is not a malloc)" } ?? ""))
    }
    if expected == .jemalloc, let mallocConf, !mallocConf.isEmpty {
      try JemallocConf.parse(mallocConf).verifyApplied()
    }
  }

  static func sameFile(_ a: String, _ b: String) -> Bool {
    guard let ra = realpath(a, nil), let rb = realpath(b, nil) else { return false }
    defer {
      free(ra)
      free(rb)
    }
    return String(cString: ra) == String(cString: rb)
  }
}
