extension AllocatorChoice: Codable {
  /// The spelling `init(_:)` parses back: `glibc`, `jemalloc` or the library's path.
  public var spelling: String {
    switch self {
    case .glibc: return "glibc"
    case .jemalloc: return "jemalloc"
    case .library(let path): return path
    }
  }

  public init(from decoder: any Decoder) throws {
    self.init(try decoder.singleValueContainer().decode(String.self))
  }

  public func encode(to encoder: any Encoder) throws {
    var container = encoder.singleValueContainer()
    try container.encode(spelling)
  }
}
