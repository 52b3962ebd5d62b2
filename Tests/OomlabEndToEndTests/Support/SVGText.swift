import Foundation

/// The text of an SVG's `<text>` elements, which matplotlib writes only when `svg.fonttype` is `none`
/// (otherwise every glyph is a path and no label can be read back).
enum SVGText {
  /// Each `<text>` element's content, with XML's five entities decoded.
  static func texts(in svg: String) -> [String] {
    var texts: [String] = []
    var rest = svg[...]
    while let open = rest.range(of: "<text") {
      guard let start = rest[open.upperBound...].firstIndex(of: ">"),
        let close = rest[start...].range(of: "</text>")
      else { break }
      texts.append(decode(String(rest[rest.index(after: start)..<close.lowerBound])))
      rest = rest[close.upperBound...]
    }
    return texts
  }

  static func decode(_ text: String) -> String {
    text.replacingOccurrences(of: "&lt;", with: "<").replacingOccurrences(of: "&gt;", with: ">")
      .replacingOccurrences(of: "&quot;", with: "\"").replacingOccurrences(of: "&apos;", with: "'")
      .replacingOccurrences(of: "&#39;", with: "'").replacingOccurrences(of: "&amp;", with: "&")
  }
}
