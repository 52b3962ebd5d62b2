import Foundation
import Yams

@testable import OomlabKit

/// A YAML document as an editor's language server hands it to a JSON Schema validator: YAML 1.2's core schema
/// (`yes` is text, `0x10` a number), aliases followed, merge keys (`<<`) merged as the parser merges them.
enum EditorYAML {
  /// Why a text has no JSON form to validate: it is not YAML, or not one document.
  struct NotYAML: Error, CustomStringConvertible {
    let description: String
  }

  /// The document as JSON values (`[String: Any]`, `[Any]`, `String`, `Int`, `Double`, `Bool`, `NSNull`).
  ///
  /// Untyped on purpose: it reads scenarios as an editor's schema checker sees them, not as oomlab's types do.
  static func json(_ yaml: String) throws -> Any {
    let root: Node?
    do {
      // Editors' YAML parsers refuse alias bombs too (the `yaml` package's maxAliasCount); composing one
      // here would take gigabytes.
      try AliasExpansion.check(yaml, context: ParseContext(file: "editor.yaml"))
      root = try Yams.compose(yaml: yaml)
    } catch {
      throw NotYAML(description: "\(error)")
    }
    guard let root else { return NSNull() }
    return value(root)
  }

  static func value(_ node: Node) -> Any {
    switch node {
    case .scalar(let scalar): return scalar.style == .plain ? core(scalar.string) : scalar.string
    case .sequence(let sequence): return sequence.map(value)
    case .mapping(let mapping): return object(mapping)
    case .alias: return NSNull()
    }
  }

  /// A mapping with its merge keys resolved: its own keys win over merged ones, earlier sources over later.
  static func object(_ mapping: Node.Mapping) -> [String: Any] {
    var result: [String: Any] = [:]
    var merged: [String: Any] = [:]
    for (key, node) in mapping {
      guard let name = key.scalar?.string else {
        // A key that is a list or a mapping: no JSON object has one, so it stands as text nobody declared.
        result["<\(key)>"] = value(node)
        continue
      }
      if name == "<<" && key.scalar?.style == .plain {
        let sources = node.mapping.map { [$0] } ?? node.sequence?.compactMap(\.mapping) ?? []
        for source in sources.reversed() { merged.merge(object(source)) { $1 } }
        if sources.isEmpty { result["<<"] = value(node) }
        continue
      }
      result[name] = value(node)
    }
    return merged.merging(result) { $1 }
  }

  /// A plain scalar under YAML 1.2's core schema.
  static func core(_ text: String) -> Any {
    if ["", "~", "null", "Null", "NULL"].contains(text) { return NSNull() }
    if ["true", "True", "TRUE"].contains(text) { return true }
    if ["false", "False", "FALSE"].contains(text) { return false }
    if text.range(of: "^[-+]?[0-9]+$", options: .regularExpression) != nil, let int = Int(text) { return int }
    if text.range(of: "^0x[0-9a-fA-F]+$", options: .regularExpression) != nil, let int = Int(text.dropFirst(2), radix: 16) {
      return int
    }
    if text.range(of: "^0o[0-7]+$", options: .regularExpression) != nil, let int = Int(text.dropFirst(2), radix: 8) {
      return int
    }
    if text.range(of: "^[-+]?[0-9]+$", options: .regularExpression) != nil { return Double(text) ?? text }
    if text.range(of: "^[-+]?(\\.[0-9]+|[0-9]+(\\.[0-9]*)?)([eE][-+]?[0-9]+)?$", options: .regularExpression) != nil,
      let double = Double(text)
    {
      return double
    }
    return text
  }
}
