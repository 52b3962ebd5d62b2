/// The size of a chart in pixels; SVG is drawn at 100 pixels per inch.
package struct PlotSize: Equatable, Sendable {
  package let width: Int
  package let height: Int

  /// The sides `oomlab plot` accepts, in pixels: smaller is unreadable, larger is a poster.
  package static let bounds = 200...10000

  /// The default, readable in a postmortem document at full width.
  package static let standard = PlotSize(width: 1400, height: 900)

  package init(width: Int, height: Int) {
    self.width = width
    self.height = height
  }

  /// Parses `WIDTHxHEIGHT` like `1400x900`; nil for anything else or a side out of `bounds`.
  package static func parse(_ text: String) -> PlotSize? {
    let parts = text.lowercased().split(separator: "x", omittingEmptySubsequences: false)
    guard parts.count == 2, parts.allSatisfy({ !$0.isEmpty && $0.allSatisfy(\.isASCII) && $0.allSatisfy(\.isNumber) }),
      let width = Int(parts[0]), let height = Int(parts[1]), bounds.contains(width), bounds.contains(height)
    else { return nil }
    return PlotSize(width: width, height: height)
  }

  /// The argument the plotting program takes.
  var argument: String { "\(width)x\(height)" }
}
