import Foundation

/// Runs `oomlab` on a pseudo-terminal through util-linux's `script`, as a user at a terminal would.
enum PseudoTerminal {
  /// Why these tests cannot run here, or nil when `script` is installed.
  static let missing: String? =
    FileManager.default.isExecutableFile(atPath: "/usr/bin/script") ? nil : "util-linux's script is not installed"

  /// What the terminal received, and how oomlab exited.
  struct Output {
    /// Every byte written to the terminal (oomlab's stdout and stderr, unless redirected).
    let text: String
    let status: Int32

    /// The status line's frames: each redraw starts with `\r` and ends by erasing to the end of the line.
    var frames: [String] {
      text.components(separatedBy: "\r").compactMap { piece in
        guard let end = piece.range(of: "\u{1B}[K") else { return nil }
        let frame = String(piece[..<end.lowerBound])
        return frame.isEmpty ? nil : frame
      }
    }
  }

  /// Runs `oomlab arguments` in `directory` on a terminal `columns` wide that does not turn `\n`
  /// into `\r\n` (so a `\r` in the output is oomlab's own); `suffix` is shell text added after the
  /// command, such as a redirection.
  static func run(_ arguments: [String], in directory: URL, columns: Int = 200, suffix: String = "") throws -> Output {
    let command = ([OomlabProcess.binary] + arguments).map(quote).joined(separator: " ")
    let process = Process()
    process.executableURL = URL(fileURLWithPath: "/usr/bin/script")
    // -e: script exits with the command's status; -f: flushed as it comes.
    process.arguments = ["-qfec", "stty cols \(columns) -onlcr; exec \(command) \(suffix)", "/dev/null"]
    process.currentDirectoryURL = directory
    process.standardInput = FileHandle.nullDevice
    let outputs = try OomlabProcess.temporaryDirectory()
    defer { try? FileManager.default.removeItem(at: outputs) }
    let out = outputs.appendingPathComponent("terminal.txt")
    _ = FileManager.default.createFile(atPath: out.path, contents: nil)
    process.standardOutput = try FileHandle(forWritingTo: out)
    process.standardError = FileHandle.nullDevice
    try process.run()
    process.waitUntilExit()
    return Output(text: (try? String(contentsOf: out, encoding: .utf8)) ?? "", status: process.terminationStatus)
  }

  /// `word` in single quotes for sh.
  static func quote(_ word: String) -> String { "'" + word.replacingOccurrences(of: "'", with: "'\\''") + "'" }

  /// Whether `text` holds a terminal control: an ESC or a carriage return.
  static func hasControls(_ text: String) -> Bool { text.contains("\u{1B}") || text.unicodeScalars.contains("\r") }
}
