/// The image formats `oomlab plot` writes, named by the output's extension.
package enum PlotFormat: String, Sendable {
  case png
  case svg

  /// The format a file name's extension names (case-insensitive), or nil for any other.
  package init?(path: String) {
    let name = path.split(separator: "/").last.map(String.init) ?? path
    guard let dot = name.lastIndex(of: "."), dot > name.startIndex else { return nil }
    self.init(rawValue: name[name.index(after: dot)...].lowercased())
  }
}
