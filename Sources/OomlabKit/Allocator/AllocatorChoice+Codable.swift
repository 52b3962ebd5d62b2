extension AllocatorChoice: Codable {
  /// The spelling `init(_:)` parses back: `glibc`, `jemalloc` or the library's path.
  package var spelling: String {
    switch self {
    case .glibc: return "glibc"
    case .jemalloc: return "jemalloc"
    case .library(let path): return path
    }
  }

  package init(from decoder: any Decoder) throws {
    self.init(try decoder.singleValueContainer().decode(String.self))
  }

  package func encode(to encoder: any Encoder) throws {
    var container = encoder.singleValueContainer()
    try container.encode(spelling)
  }
}
