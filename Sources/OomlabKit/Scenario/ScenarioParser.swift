import Yams

/// Turns scenario YAML into a validated `Scenario`, or a `ScenarioError` that says where and why.
public enum ScenarioParser {
  static let topLevelKeys = [
    "version", "name", "about", "limit", "heap-limit", "allocator", "malloc-conf", "arena-max", "sample",
    "expect", "steps", "processes",
  ]

  /// Parses scenario text; `file` only labels errors.
  public static func parse(yaml: String, file: String) throws -> Scenario {
    let context = ParseContext(file: file)
    let root: Node?
    do {
      root = try Yams.compose(yaml: yaml)
    } catch let error as YamlError {
      throw yamlError(error, context: context)
    }
    guard let root, !isNull(root) else {
      throw context.error(at: nil, field: "", "the file is empty; expected a mapping with name, about and steps")
    }
    guard let mapping = root.mapping else {
      throw context.error(at: root.mark, field: "", "expected a mapping with name, about and steps, got \(root.describe)")
    }
    let f = FieldReader(context: context, path: "", mapping: mapping)
    let version = try f.int("version", in: 1...Int.max) ?? 1
    guard version == 1 else {
      throw f.error("version", f.node("version"), "expected version 1, got \(f.node("version")!.describe)")
    }
    let name = try f.require("name") { try f.name($0) }
    let about = try f.string("about") ?? ""
    var limit: UInt64?? = nil
    if let node = f.node("limit") {
      if node.scalar?.string == "none" {
        limit = .some(nil)
      } else {
        limit = .some(try f.bytes("limit"))
      }
    }
    let heapLimit = try f.size("heap-limit")
    let allocator = try f.string("allocator")
    let mallocConf = try f.string("malloc-conf")
    let arenaMax = try f.int("arena-max", in: 1...1024)
    let sample = try f.duration("sample", allowZero: false)
    if let sample, sample < 1_000_000 {
      throw f.error("sample", f.node("sample"), "expected an interval of at least 1ms, got \(f.node("sample")!.describe)")
    }
    let expect = try f.choice("expect", ExpectedOutcome.allCases.map(\.rawValue)).flatMap(ExpectedOutcome.init)
    let stepsNode = f.node("steps")
    let processesNode = f.node("processes")
    var processes: [ProcessSpec] = []
    switch (stepsNode, processesNode) {
    case (let steps?, nil):
      processes = [ProcessSpec(name: "worker", oomScoreAdj: nil, steps: try Self.steps(steps, path: "steps", context: context))]
    case (nil, let list?):
      processes = try Self.processes(list, context: context)
    case (_?, let list?):
      throw context.error(at: list.mark, field: "processes", "expected either steps or processes, not both")
    case (nil, nil):
      throw context.error(at: mapping.mark, field: "steps", "missing required field \"steps\" (or \"processes\")")
    }
    try f.finish()
    var scenario = Scenario(
      file: file, version: version, name: name, about: about, limit: limit, heapLimit: heapLimit,
      allocator: allocator, mallocConf: mallocConf, arenaMax: arenaMax, sampleInterval: sample,
      expect: expect, processes: processes, stepKinds: context.stepLabels,
      percentFields: context.percentFields.map { ($0.field, $0.mark?.line ?? 0, $0.mark?.column ?? 0) })
    scenario.source = yaml
    return scenario
  }

  /// Parses a list of steps, numbering them in pre-order.
  static func steps(_ node: Node, path: String, context: ParseContext) throws -> [PlannedStep] {
    guard let sequence = node.sequence else {
      throw context.error(at: node.mark, field: path, "expected a list of steps, got \(node.describe)")
    }
    guard !sequence.isEmpty else {
      throw context.error(at: node.mark, field: path, "expected at least one step, got an empty list")
    }
    let known = StepRegistry.all.map { $0.kind }.joined(separator: ", ")
    var planned: [PlannedStep] = []
    for (position, item) in sequence.enumerated() {
      let itemPath = "\(path)[\(position)]"
      let key: String
      let value: Node
      if let word = item.scalar?.string, !isNull(item) {
        key = word
        value = Node.scalar(Node.Scalar("null", Tag(.null), .plain, item.mark))
      } else if let mapping = item.mapping, mapping.count == 1, let word = mapping.keys.first?.scalar?.string {
        key = word
        value = mapping.values.first!
      } else {
        throw context.error(
          at: item.mark, field: itemPath, "expected a step as a one-key mapping like \"- hold: 1s\", got \(item.describe)")
      }
      guard let kind = StepRegistry.kind(named: key) else {
        throw context.error(at: item.mark, field: itemPath, "unknown step \"\(key)\"; expected one of: \(known)")
      }
      let index = context.nextStepIndex
      context.nextStepIndex += 1
      context.stepLabels.append(kind.kind)
      let step = try kind.parse(StepInput(context: context, node: value, path: "\(itemPath).\(key)"))
      if let name = step.definedName {
        guard AllocationKind(rawValue: name) == nil, name != "all" else {
          throw context.error(
            at: value.mapping?["as"]?.mark ?? item.mark, field: "\(itemPath).\(key).as",
            "the name \"\(name)\" is reserved for free's what:; expected another name")
        }
        context.definedNames.insert(name)
      }
      planned.append(PlannedStep(index: index, kind: kind.kind, step: step))
    }
    return planned
  }

  static func processes(_ node: Node, context: ParseContext) throws -> [ProcessSpec] {
    guard let sequence = node.sequence, !sequence.isEmpty else {
      throw context.error(at: node.mark, field: "processes", "expected a non-empty list of processes, got \(node.describe)")
    }
    var seen: Set<String> = []
    return try sequence.enumerated().map { position, item in
      let path = "processes[\(position)]"
      guard let mapping = item.mapping else {
        throw context.error(at: item.mark, field: path, "expected a mapping with name and steps, got \(item.describe)")
      }
      let f = FieldReader(context: context, path: path, mapping: mapping)
      let name = try f.require("name") { try f.name($0) }
      guard seen.insert(name).inserted else {
        throw f.error("name", f.node("name"), "the process name \"\(name)\" is used twice; expected unique names")
      }
      let adj = try f.int("oom-score-adj", in: -1000...1000)
      // Each process runs its own steps: a free may only name what this process allocated.
      context.definedNames = []
      guard let stepsNode = f.node("steps") else {
        throw context.error(at: mapping.mark, field: f.fieldPath("steps"), "missing required field \"steps\"")
      }
      let steps = try Self.steps(stepsNode, path: f.fieldPath("steps"), context: context)
      try f.finish()
      return ProcessSpec(name: name, oomScoreAdj: adj, steps: steps)
    }
  }

  static func yamlError(_ error: YamlError, context: ParseContext) -> ScenarioError {
    switch error {
    case .scanner(_, let problem, let mark, _), .parser(_, let problem, let mark, _),
      .composer(_, let problem, let mark, _):
      return context.error(at: mark, field: "", "not valid YAML: \(problem)")
    case .duplicatedKeysInMapping(let duplicates, let where_):
      return context.error(
        at: where_.mark, field: "", "duplicate key \(duplicates.map { "\"\($0)\"" }.joined(separator: ", ")); expected each key once")
    default:
      return context.error(at: nil, field: "", "not valid YAML: \(error)")
    }
  }
}
