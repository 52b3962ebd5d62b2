import Foundation

/// A cell's files printed to stdout between marker lines, so that they can be cut out of `kubectl logs`:
/// a pod without a volume has no other way to hand its results back.
///
/// Each file is one frame: `=== oomlab cell K of N begin NAME SIZE bytes base64 ===`, the file in base64
/// in lines of 76 characters, and `=== oomlab cell K of N end NAME ===`, where K is the cell's index in the
/// whole matrix and N its number of cells. Reading takes each content line's last word, so the prefixes
/// `kubectl logs --timestamps` or `--prefix` put before lines do no harm.
package enum CellFrames {
  /// The start of every marker line.
  static let marker = "=== oomlab cell "

  /// The frame of one file.
  package static func frame(index: Int, count: Int, name: String, contents: Data) -> String {
    let encoded = contents.base64EncodedString(options: [.lineLength76Characters, .endLineWithLineFeed])
    var text = "\(marker)\(index) of \(count) begin \(name) \(contents.count) bytes base64 ===\n"
    if !encoded.isEmpty { text += encoded + "\n" }
    return text + "\(marker)\(index) of \(count) end \(name) ===\n"
  }

  /// The files framed in `text` (a saved log named `source` in messages), in the order they appear; lines
  /// outside frames are skipped. A frame cut short, damaged or of an unsafe name is an error naming its line;
  /// given `damaged`, it is handed the error instead and the frame left out, the rest still read.
  package static func parse(
    _ text: String, source: String, damaged: ((CollectError) -> Void)? = nil
  ) throws(CollectError) -> [FramedFile] {
    func fail(_ error: CollectError) throws(CollectError) {
      guard let damaged else { throw error }
      damaged(error)
    }
    var files: [FramedFile] = []
    var open: (header: Header, line: Int, body: String)?
    var lineNumber = 0
    for line in text.split(separator: "\n", omittingEmptySubsequences: false) {
      lineNumber += 1
      let line = line.hasSuffix("\r") ? line.dropLast() : line
      guard let start = line.range(of: marker) else {
        if open != nil, let word = line.split(whereSeparator: { $0 == " " || $0 == "\t" }).last {
          open!.body += word
        }
        continue
      }
      let header: Header
      do {
        header = try Header(String(line[start.upperBound...]), source: source, line: lineNumber)
      } catch {
        try fail(error)
        continue
      }
      if let current = open {
        guard !header.begins, header.index == current.header.index, header.name == current.header.name else {
          try fail(
            .malformedFrame(
              source: source, line: lineNumber,
              problem: "expected the end of \(current.header.name) of cell \(current.header.index), begun on line \(current.line)"))
          // The frame left open is lost; a new one may begin here.
          open = header.begins ? (header, lineNumber, "") : nil
          continue
        }
        open = nil
        guard let data = Data(base64Encoded: current.body), data.count == current.header.size else {
          try fail(
            .malformedFrame(
              source: source, line: current.line,
              problem: "\(current.header.name) does not decode to the \(current.header.size) bytes its frame announces"))
          continue
        }
        files.append(FramedFile(index: current.header.index, count: current.header.count, name: current.header.name, contents: data))
      } else {
        guard header.begins else {
          try fail(.malformedFrame(source: source, line: lineNumber, problem: "an end marker without a begin marker"))
          continue
        }
        open = (header, lineNumber, "")
      }
    }
    if let current = open {
      try fail(
        .malformedFrame(
          source: source, line: current.line,
          problem: "\(current.header.name) of cell \(current.header.index) has no end marker (the log is cut short)"))
    }
    return files
  }

  /// A marker line after `marker`.
  struct Header {
    let index: Int
    let count: Int
    let begins: Bool
    let name: String
    let size: Int

    init(_ rest: String, source: String, line: Int) throws(CollectError) {
      // Split on each space, so that a name holding spaces is joined back exactly as it was.
      let words = rest.split(separator: " ", omittingEmptySubsequences: false).map(String.init)
      let bad = CollectError.malformedFrame(
        source: source, line: line,
        problem: "a marker line that is not \"K of N begin NAME SIZE bytes base64 ===\" or \"K of N end NAME ===\"")
      guard words.count >= 5, let index = Int(words[0]), words[1] == "of", let count = Int(words[2]), index >= 0,
        index < count, words.last == "==="
      else { throw bad }
      self.index = index
      self.count = count
      // The name is what lies between the fixed words on either side of it.
      switch words[3] {
      case "begin":
        let tail = words.suffix(4)
        guard words.count >= 9, let size = Int(tail.first!), size >= 0, tail.dropFirst().elementsEqual(["bytes", "base64", "==="])
        else { throw bad }
        begins = true
        self.size = size
        name = words[4..<(words.count - 4)].joined(separator: " ")
      case "end":
        guard words.count >= 6 else { throw bad }
        begins = false
        size = 0
        name = words[4..<(words.count - 1)].joined(separator: " ")
      default: throw bad
      }
      guard FramedFile.isPlainName(name) else {
        throw .malformedFrame(
          source: source, line: line, problem: "the file name \"\(name.escapingNonPrintable)\" is not a plain file name")
      }
    }
  }
}
