import Glibc

/// Which language runtime a command runs on, for the figures only the runtime knows (Node's heap).
package enum CommandRuntime: String, CaseIterable, Sendable {
  /// Node when the program is `node` or a script whose `#!` line runs node.
  case auto
  /// Node whatever the program: a wrapper (a shell script, npm) that starts node.
  case node
  /// No runtime figures, and standard error passes straight through.
  case none

  /// Whether the program at `executable` is Node: by its own name once links are followed, or by the
  /// interpreter its `#!` line names (npm, npx and scripts written for node).
  static func isNode(executable: String) -> Bool {
    if let resolved = realpath(executable, nil) {
      defer { free(resolved) }
      if isNodeName(String(cString: resolved)) { return true }
    }
    if isNodeName(executable) { return true }
    let fd = open(executable, O_RDONLY | O_CLOEXEC)
    guard fd >= 0 else { return false }
    defer { close(fd) }
    var head = [UInt8](repeating: 0, count: 256)
    let n = head.withUnsafeMutableBytes { read(fd, $0.baseAddress, $0.count) }
    guard n > 2 else { return false }
    return shebangRunsNode(String(decoding: head[0..<n], as: UTF8.self))
  }

  /// Whether a path's last component is node's: `node`, `nodejs`, or `node` and a version (`node20`).
  static func isNodeName(_ path: String) -> Bool {
    let name = path.split(separator: "/").last.map(String.init) ?? path
    if name == "nodejs" { return true }
    guard name.hasPrefix("node") else { return false }
    return name.dropFirst(4).allSatisfy { $0.isASCII && ($0.isNumber || $0 == ".") }
  }

  /// Whether the first line of a script is a `#!` line whose interpreter is node, directly or through env(1).
  static func shebangRunsNode(_ text: String) -> Bool {
    guard text.hasPrefix("#!") else { return false }
    let line = text.dropFirst(2).prefix { $0 != "\n" }
    let words = line.split(whereSeparator: { $0 == " " || $0 == "\t" })
    guard let interpreter = words.first else { return false }
    if isNodeName(String(interpreter)) { return true }
    guard interpreter.split(separator: "/").last == "env" else { return false }
    // env's own options (-S, -i, -u NAME, NAME=VALUE) come before the program it runs.
    var rest = words.dropFirst()
    while let word = rest.first, word.hasPrefix("-") || word.contains("=") {
      rest = rest.dropFirst(word == "-u" ? 2 : 1)
    }
    return rest.first.map { isNodeName(String($0)) } ?? false
  }
}
