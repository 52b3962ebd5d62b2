/// The size of a chart in pixels; SVG is drawn at 100 pixels per inch.
public struct PlotSize: Equatable, Sendable {
  public let width: Int
  public let height: Int

  /// The sides `oomlab plot` accepts, in pixels: smaller is unreadable, larger is a poster.
  public static let bounds = 200...10000

  /// The default, readable in a postmortem document at full width.
  public static let standard = PlotSize(width: 1400, height: 900)

  public init(width: Int, height: Int) {
    self.width = width
    self.height = height
  }

  /// Parses `WIDTHxHEIGHT` like `1400x900`; nil for anything else or a side out of `bounds`.
  public static func parse(_ text: String) -> PlotSize? {
    let parts = text.lowercased().split(separator: "x", omittingEmptySubsequences: false)
    guard parts.count == 2, parts.allSatisfy({ !$0.isEmpty && $0.allSatisfy(\.isASCII) && $0.allSatisfy(\.isNumber) }),
      let width = Int(parts[0]), let height = Int(parts[1]), bounds.contains(width), bounds.contains(height)
    else { return nil }
    return PlotSize(width: width, height: height)
  }

  /// The argument the plotting program takes.
  var argument: String { "\(width)x\(height)" }
}
