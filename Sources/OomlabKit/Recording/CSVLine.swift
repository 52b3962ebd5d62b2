import Foundation

/// One line of a CSV file in RFC 4180's quoting: a field holding a comma, a quote or a line break is quoted.
///
/// oomlab's time series never needs quotes; a matrix's summary.csv does, for a MALLOC_CONF like
/// `dirty_decay_ms:0,muzzy_decay_ms:0`.
package enum CSVLine {
  /// The fields joined with commas, each quoted where it must be.
  package static func join(_ fields: [String]) -> String {
    fields.map { field in
      guard field.contains(where: { $0 == "," || $0 == "\"" || $0 == "\n" || $0 == "\r" }) else { return field }
      return "\"" + field.replacingOccurrences(of: "\"", with: "\"\"") + "\""
    }.joined(separator: ",")
  }

  /// The fields of one line, unquoted; a quote left open runs to the end of the line.
  package static func split<Line: StringProtocol>(_ line: Line) -> [String] {
    var fields: [String] = []
    var field = ""
    var quoted = false
    var iterator = line.makeIterator()
    while let character = iterator.next() {
      if quoted {
        if character == "\"" {
          // A doubled quote inside quotes is one quote; a single one ends the quoted part.
          guard let next = iterator.next() else { break }
          if next == "\"" {
            field.append("\"")
          } else {
            quoted = false
            if next == "," {
              fields.append(field)
              field = ""
            } else {
              field.append(next)
            }
          }
        } else {
          field.append(character)
        }
      } else if character == "," {
        fields.append(field)
        field = ""
      } else if character == "\"" && field.isEmpty {
        quoted = true
      } else {
        field.append(character)
      }
    }
    fields.append(field)
    return fields
  }
}
