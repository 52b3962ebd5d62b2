import Yams

/// Refuses YAML whose aliases would stand for an enormous tree, before Yams composes it.
///
/// Yams resolves an alias by sharing the anchored node, so composing allocates nothing more, but
/// every walk over the tree visits an alias's whole subtree again: the parser's walk over steps
/// (nine nested anchors of ten aliases make a billion steps from 2 KB) and Yams's own hashing of
/// mapping keys while it composes (an alias used as a key is hashed node by node). Aliases are
/// therefore counted first on a copy of the text in which they cannot expand.
enum AliasExpansion {
  /// The most nodes all aliases of a file together may stand for.
  ///
  /// Far above what merge keys and shared settings need (a few nodes per alias), and small
  /// enough that walking or hashing that many nodes takes milliseconds.
  static let maximumNodes = 10_000

  /// Replaces `*` in the copy, so an alias `*name` reads as a plain scalar: a private-use
  /// character, printable to libyaml, one column wide like the `*` it replaces.
  static let marker: Unicode.Scalar = "\u{E000}"

  /// Fails at the alias that takes the nodes all aliases stand for past `maximumNodes`.
  static func check(_ text: String, context: ParseContext) throws {
    // Without a `*` there is no alias, and the real parse is linear in the file.
    guard text.utf8.contains(UInt8(ascii: "*")) else { return }
    var scalars = String.UnicodeScalarView()
    scalars.append(contentsOf: text.unicodeScalars.lazy.map { $0 == "*" ? marker : $0 })
    // Every `*` goes, not only those a lexer would call aliases: a missed alias would expand.
    // A `*` inside a quoted or block scalar only changes that scalar's text in the copy.
    let copy = String(scalars)
    let parser: Parser
    let root: Node?
    do {
      parser = try Parser(yaml: copy)
      root = try parser.singleRoot()
    } catch let error as YamlError {
      // The copy fails where the file does; its messages may quote an alias, which reads `*` again.
      var located = ScenarioParser.yamlError(error, context: context)
      located.problem = String(String.UnicodeScalarView(located.problem.unicodeScalars.map { $0 == marker ? "*" : $0 }))
      throw located
    }
    guard let root else { return }
    // Yams holds anchors weakly on nodes; the parser keeps them alive while they are read.
    try withExtendedLifetime(parser) {
      var counter = Counter(context: context)
      _ = try counter.size(root)
    }
  }

  /// Sizes nodes in document order, as libyaml defines anchors: an alias names the latest
  /// anchor of that name completed before it.
  struct Counter {
    let context: ParseContext
    /// The expanded size of each anchor's node so far.
    var sizes: [String: Int] = [:]
    /// The nodes all aliases so far stand for.
    var aliased = 0

    /// The node's size with aliases expanded.
    mutating func size(_ node: Node) throws -> Int {
      var total = 1
      switch node {
      case .scalar(let scalar):
        if scalar.style == .plain, scalar.string.unicodeScalars.first == AliasExpansion.marker {
          let name = String(String.UnicodeScalarView(scalar.string.unicodeScalars.dropFirst().prefix(while: isAnchorCharacter)))
          // An undefined alias counts one node; the real parse then refuses it by name.
          total = sizes[name] ?? 1
          aliased += total
          if aliased > AliasExpansion.maximumNodes {
            throw context.error(
              at: scalar.mark, field: "",
              "the alias *\(name) makes aliases stand for more than \(AliasExpansion.maximumNodes) YAML nodes;"
                + " expected at most \(AliasExpansion.maximumNodes) (write repeat: { times: N } instead of copying steps with aliases)")
          }
        }
      case .sequence(let sequence):
        for item in sequence { total += try size(item) }
      case .mapping(let mapping):
        for (key, value) in mapping { total += try size(key) + size(value) }
      case .alias:
        break
      }
      if let anchor = node.anchor { sizes[anchor.rawValue] = total }
      return total
    }

    /// The characters libyaml allows in anchor and alias names.
    func isAnchorCharacter(_ scalar: Unicode.Scalar) -> Bool {
      scalar.isASCII && (scalar.properties.isAlphabetic || ("0"..."9").contains(scalar) || scalar == "-" || scalar == "_")
    }
  }
}
