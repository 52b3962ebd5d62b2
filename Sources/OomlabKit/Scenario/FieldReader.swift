import Yams

/// Reads one YAML mapping field by field, each by the type its declaration gives, and refuses the keys
/// nobody declared.
///
/// Reading a key that is not declared, or with a reader that does not fit its declared type, is a
/// programming error that stops at once: the declarations are what `oomlab schema` publishes, so the
/// parser may read nothing they do not say.
package final class FieldReader {
  let context: ParseContext
  /// The dotted path of this mapping, such as `steps[1].buffers`.
  let path: String
  let mapping: Node.Mapping
  let mark: Mark?
  /// The fields this mapping may have.
  let declared: FieldSet

  /// Reads `mapping`, with the pairs its merge keys (`<<: *defaults`) bring in.
  init(context: ParseContext, path: String, mapping: Node.Mapping, fields: FieldSet) throws {
    self.context = context
    self.path = path
    self.mapping = try Self.merged(mapping, path: path, context: context)
    self.mark = mapping.mark
    self.declared = fields
  }

  /// The declaration of `key`, which must exist.
  func declaration(_ key: String) -> FieldSpec {
    guard let spec = declared[key] else { preconditionFailure("\(path): \"\(key)\" is read but not declared") }
    return spec
  }

  /// Stops on a reader that does not fit the declared type of `key`.
  func mismatch(_ key: String) -> Never {
    preconditionFailure("\(path): \"\(key)\" is declared \(declaration(key).type), and read otherwise")
  }

  /// Whether a key is YAML's merge key `<<`.
  static func isMergeKey(_ key: Node) -> Bool {
    guard let scalar = key.scalar else { return false }
    return scalar.style == .plain && scalar.string == "<<"
  }

  /// The mapping with its merge keys replaced by the pairs they bring in, as YAML 1.1 merges:
  /// the mapping's own keys win over merged ones, and earlier merged mappings over later ones.
  static func merged(_ mapping: Node.Mapping, path: String, context: ParseContext) throws -> Node.Mapping {
    guard mapping.keys.contains(where: isMergeKey) else { return mapping }
    var inherited: [(Node, Node)] = []
    var own: [(Node, Node)] = []
    for (key, value) in mapping {
      guard isMergeKey(key) else {
        own.append((key, value))
        continue
      }
      let sources: [Node.Mapping]
      if let single = value.mapping {
        sources = [single]
      } else if let list = value.sequence, !list.isEmpty, list.allSatisfy({ $0.mapping != nil }) {
        sources = list.compactMap(\.mapping)
      } else {
        throw context.error(
          at: value.mark ?? key.mark, field: path.isEmpty ? "<<" : "\(path).<<",
          "expected a mapping or a list of mappings to merge, like <<: *defaults, got \(value.describe)")
      }
      // Lookups take the last pair of a key, so the first source goes last to win.
      for source in sources.reversed() {
        inherited += try merged(source, path: path, context: context).map { ($0.key, $0.value) }
      }
    }
    return Node.Mapping(inherited + own, mapping.tag, mapping.style, mapping.mark)
  }

  /// The path of a field of this mapping.
  func fieldPath(_ key: String) -> String { path.isEmpty ? key : "\(path).\(key)" }

  /// The raw node of a declared `key`.
  func node(_ key: String) -> Node? {
    _ = declaration(key)
    return mapping[key]
  }

  func error(_ key: String, _ node: Node?, _ problem: String) -> ScenarioError {
    context.error(at: node?.mark ?? mark, field: fieldPath(key), problem)
  }

  /// Records every key that is not declared, listing the ones that are.
  func finish() {
    for (key, _) in mapping {
      guard let name = key.scalar?.string else {
        context.record(context.error(at: key.mark, field: path, "expected plain text keys, got \(key.describe)"))
        continue
      }
      if declared[name] == nil {
        context.record(
          context.error(
            at: key.mark, field: fieldPath(name),
            "unknown key \"\(name)\"; expected one of: \(declared.fields.map(\.key).joined(separator: ", "))"))
      }
    }
  }

  /// Fails with the field's path when a required field is missing.
  func require<T>(_ key: String, _ read: (String) throws -> T?) throws -> T {
    precondition(declaration(key).required, "\(path): \"\(key)\" is required but not declared so")
    guard let value = try read(key) else {
      throw context.error(at: mark, field: fieldPath(key), "missing required field \"\(key)\"")
    }
    return value
  }

  /// A plain text scalar, for a field declared as text, a rate or a pages pattern (which their steps read further).
  func string(_ key: String) throws -> String? {
    switch declaration(key).type {
    case .text, .rate, .pagesPattern: return try scalarText(key)
    default: mismatch(key)
    }
  }

  /// The text of a scalar field, whatever its type.
  private func scalarText(_ key: String) throws -> String? {
    guard let node = node(key) else { return nil }
    guard let scalar = node.scalar, !isNull(node) else {
      throw error(key, node, "expected text, got \(node.describe)")
    }
    return scalar.string
  }

  /// An integer within the declared range.
  func int(_ key: String) throws -> Int? {
    guard case .integer(let range) = declaration(key).type else { mismatch(key) }
    return try int(key, in: range)
  }

  /// The version, which must be the declared one.
  func version(_ key: String) throws -> Int? {
    guard case .version(let only) = declaration(key).type else { mismatch(key) }
    guard let version = try int(key, in: 1...Int.max) else { return nil }
    guard version == only else { throw error(key, node(key), "expected version \(only), got \(node(key)!.describe)") }
    return version
  }

  private func int(_ key: String, in range: ClosedRange<Int>) throws -> Int? {
    guard let node = node(key) else { return nil }
    guard node.scalar != nil, !isNull(node), let value = Int(node.scalar!.string.trimmingSpaces()) else {
      throw error(key, node, "expected an integer in \(range.lowerBound)...\(range.upperBound), got \(node.describe)")
    }
    guard range.contains(value) else {
      throw error(key, node, "expected an integer in \(range.lowerBound)...\(range.upperBound), got \(node.describe)")
    }
    return value
  }

  /// `true` or `false`.
  func bool(_ key: String) throws -> Bool? {
    guard case .boolean = declaration(key).type else { mismatch(key) }
    guard let node = node(key) else { return nil }
    switch node.scalar?.string {
    case "true": return true
    case "false": return false
    default: throw error(key, node, "expected true or false, got \(node.describe)")
    }
  }

  /// A size such as `10MiB`, or where declared so a share of the limit such as `75%`.
  func size(_ key: String) throws -> SizeSpec? {
    guard case .size(let allowZero, let allowPercent) = declaration(key).type else { mismatch(key) }
    guard let node = node(key) else { return nil }
    return try Self.size(node, field: fieldPath(key), context: context, allowZero: allowZero, allowPercent: allowPercent)
  }

  static func size(
    _ node: Node, field: String, context: ParseContext, allowZero: Bool = false, allowPercent: Bool = true
  ) throws -> SizeSpec {
    let expected = "expected \(ByteSize.spellings)\(allowPercent ? ", or a share of the limit like 75%" : "")"
    guard let text = node.scalar?.string, !isNull(node) else {
      throw context.error(at: node.mark, field: field, "\(expected), got \(node.describe)")
    }
    let body = text.trimmingSpaces()
    if body.hasSuffix("%") {
      guard allowPercent else { throw context.error(at: node.mark, field: field, "\(expected), got \"\(text)\"") }
      guard let percent = Double(String(body.dropLast()).trimmingSpaces()), percent > 0, percent <= 100 else {
        throw context.error(at: node.mark, field: field, "expected a percentage in (0, 100]%, got \"\(text)\"")
      }
      context.percentFields.append(
        PercentField(
          field: field, line: node.mark?.line ?? 0, column: node.mark?.column ?? 0, percent: percent, written: text))
      return .percentOfLimit(percent)
    }
    switch ByteSize.parse(body, allowZero: allowZero) {
    case .success(let bytes) where bytes > ScenarioBounds.maximumBytes:
      throw context.error(at: node.mark, field: field, "\(ScenarioBounds.sizeExpectation), got \"\(text)\"")
    case .success(let bytes): return .bytes(bytes)
    case .failure(.negative): throw context.error(at: node.mark, field: field, "\(expected); a size cannot be negative, got \"\(text)\"")
    case .failure(.zero): throw context.error(at: node.mark, field: field, "\(expected); a size must be above zero, got \"\(text)\"")
    case .failure(.overflow): throw context.error(at: node.mark, field: field, "size \"\(text)\" overflows 63 bits")
    case .failure(.malformed): throw context.error(at: node.mark, field: field, "\(expected), got \"\(text)\"")
    }
  }

  /// A size declared as absolute bytes (no percentage).
  func bytes(_ key: String) throws -> UInt64? {
    guard case .size(let allowZero, false) = declaration(key).type else { mismatch(key) }
    guard let node = node(key) else { return nil }
    return try Self.bytes(node, field: fieldPath(key), context: context, allowZero: allowZero)
  }

  /// A node holding absolute bytes; a percentage is refused by `size`, so only bytes come back.
  static func bytes(_ node: Node, field: String, context: ParseContext, allowZero: Bool = false) throws -> UInt64 {
    let spec = try size(node, field: field, context: context, allowZero: allowZero, allowPercent: false)
    return spec.resolve(limit: nil) ?? 0
  }

  /// A step's duration such as `250ms`, `2s`, `1m` or `1h`, in nanoseconds, at most `ScenarioBounds.maximumStepDuration`.
  func duration(_ key: String) throws -> UInt64? {
    guard case .duration(let allowZero) = declaration(key).type else { mismatch(key) }
    guard let node = node(key) else { return nil }
    return try Self.duration(node, field: fieldPath(key), context: context, allowZero: allowZero)
  }

  static func duration(_ node: Node, field: String, context: ParseContext, allowZero: Bool = true) throws -> UInt64 {
    guard let text = node.scalar?.string, !isNull(node), let ns = DurationValue.parseNanoseconds(text) else {
      throw context.error(at: node.mark, field: field, "expected a duration like \(DurationValue.spellings), got \(node.describe)")
    }
    if ns == 0 && !allowZero {
      throw context.error(at: node.mark, field: field, "expected a duration above zero, got \"\(text)\"")
    }
    guard ns <= ScenarioBounds.maximumStepDuration else {
      throw context.error(at: node.mark, field: field, "\(ScenarioBounds.durationExpectation), got \"\(text)\"")
    }
    return ns
  }

  /// Fails when `count` allocations of `size` held at once exceed `ScenarioBounds.maximumBytes`;
  /// a share of the limit is checked once the limit is known.
  func total(_ key: String, count: Int, size: SizeSpec) throws {
    switch size {
    case .bytes(let bytes):
      if let problem = ScenarioBounds.totalProblem(count: count, each: bytes) { throw error(key, node(key), problem) }
    case .percentOfLimit:
      let field = fieldPath(key)
      if let index = context.percentFields.lastIndex(where: { $0.field == field }) {
        context.percentFields[index].count = count
      }
    }
  }

  /// A memory limit: `none`, or a size in bytes.
  func limit(_ key: String) throws -> LimitSetting? {
    guard case .limit = declaration(key).type else { mismatch(key) }
    guard let node = node(key) else { return nil }
    if node.scalar?.string == "none" { return LimitSetting.none }
    return .bytes(try Self.bytes(node, field: fieldPath(key), context: context))
  }

  /// A sampling interval within `SampleInterval`'s bounds, in nanoseconds.
  func interval(_ key: String) throws -> UInt64? {
    guard case .interval = declaration(key).type else { mismatch(key) }
    guard let node = node(key) else { return nil }
    guard let text = node.scalar?.string, !isNull(node), let nanoseconds = SampleInterval.parse(text) else {
      throw error(key, node, "expected \(SampleInterval.range), got \(node.describe)")
    }
    return nanoseconds
  }

  /// A fraction in 0...1, written as `0.25` or `25%`.
  func fraction(_ key: String) throws -> Double? {
    guard case .fraction = declaration(key).type else { mismatch(key) }
    guard let node = node(key) else { return nil }
    return try Self.fraction(node, field: fieldPath(key), context: context)
  }

  static func fraction(_ node: Node, field: String, context: ParseContext) throws -> Double {
    guard let text = node.scalar?.string.trimmingSpaces(), !isNull(node) else {
      throw context.error(at: node.mark, field: field, "expected a fraction in 0...1, got \(node.describe)")
    }
    let value: Double?
    if text.hasSuffix("%") { value = Double(text.dropLast()).map { $0 / 100 } } else { value = Double(text) }
    guard let value, value.isFinite, (0...1).contains(value) else {
      throw context.error(at: node.mark, field: field, "expected a fraction in 0...1, got \"\(text)\"")
    }
    return value
  }

  /// How much of an allocation to write: `none`, `all`, or a fraction in 0...1.
  func touch(_ key: String) throws -> Double? {
    guard case .touch = declaration(key).type else { mismatch(key) }
    guard let node = node(key) else { return nil }
    switch node.scalar?.string {
    case "none": return 0
    case "all": return 1
    case .some:
      do { return try Self.fraction(node, field: fieldPath(key), context: context) } catch {
        throw self.error(key, node, "expected none, all or a fraction in 0...1, got \(node.describe)")
      }
    case nil: throw self.error(key, node, "expected none, all or a fraction in 0...1, got \(node.describe)")
    }
  }

  /// One of the declared words.
  func choice(_ key: String) throws -> String? {
    guard case .choice(let options) = declaration(key).type else { mismatch(key) }
    guard let node = node(key) else { return nil }
    guard let text = node.scalar?.string, options.contains(text) else {
      throw error(key, node, "expected one of \(options.joined(separator: ", ")), got \(node.describe)")
    }
    return text
  }

  /// A name (letters, digits, `-` and `_`, at most `ScenarioBounds.maximumNameBytes`), safe in a file name.
  func name(_ key: String) throws -> String? {
    switch declaration(key).type {
    case .name, .allocationName: break
    default: mismatch(key)
    }
    guard let text = try scalarText(key) else { return nil }
    guard !text.isEmpty, text.allSatisfy({ $0.isLetter || $0.isNumber || $0 == "-" || $0 == "_" }) else {
      throw error(key, node(key), "expected a name of letters, digits, - and _, got \"\(text)\"")
    }
    guard text.utf8.count <= ScenarioBounds.maximumNameBytes else {
      throw error(
        key, node(key),
        "expected a name of at most \(ScenarioBounds.maximumNameBytes) bytes (it becomes part of file names), got \(text.utf8.count) bytes: \"\(text.prefix(24))...\"")
    }
    return text
  }
}

func isNull(_ node: Node) -> Bool {
  guard let scalar = node.scalar else { return false }
  return scalar.style == .plain && ["", "~", "null", "Null", "NULL"].contains(scalar.string)
}

extension Node {
  /// How a node reads in an error message: a quoted scalar or the kind of collection.
  var describe: String {
    switch self {
    case .scalar(let scalar): return isNull(self) ? "nothing (null)" : "\"\(scalar.string)\""
    case .mapping: return "a mapping"
    case .sequence: return "a list"
    case .alias: return "an alias"
    }
  }
}
