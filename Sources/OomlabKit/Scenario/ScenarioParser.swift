import Yams

/// Turns scenario YAML into a validated `Scenario`, or every `ScenarioError` that says where and why it is not.
package enum ScenarioParser {
  /// The fields of a scenario, in the order errors list them.
  package static let topLevelFields = FieldSet(
    [
      FieldSpec("version", .version(1), "the scenario language's version: 1"),
      FieldSpec("name", .name, required: true, "the scenario's name, used in file names"),
      FieldSpec("about", .text, "what the scenario demonstrates"),
      FieldSpec("limit", .limit, "the memory limit, or none (--memory-limit wins)"),
      FieldSpec("heap-limit", .size(allowZero: false, allowPercent: true),
        "the managed heap's limit, or a share of the memory limit (--heap-limit wins; default 4GiB)"),
      FieldSpec("allocator", .text, "glibc, jemalloc or a path to a preloadable .so (--allocator wins)"),
      FieldSpec("malloc-conf", .text, "jemalloc's MALLOC_CONF, jemalloc only (--malloc-conf wins)"),
      FieldSpec("arena-max", .integer(TuningSetting<Int>.arenaRange), "glibc's arena cap, glibc only (--arena-max wins)"),
      FieldSpec("oom-group", .boolean, "the OOM killer takes every process together (cgroup v2 memory.oom.group; --oom-group wins)"),
      FieldSpec("sample", .interval, "the sampling interval (--interval wins; default 100ms)"),
      FieldSpec("timeout", .duration(allowZero: false), "how long the run may take before its workers are killed, with outcome timeout (--timeout wins)"),
      FieldSpec("expect", .choice(ExpectedOutcome.allCases.map(\.rawValue)), "the outcome the scenario is meant to reach"),
      FieldSpec("steps", .steps, "the worker's steps"),
      FieldSpec("processes", .processes, "several workers, each with its own steps, instead of steps"),
    ], exactlyOne: ["steps", "processes"])

  /// The fields of one process under `processes:`.
  package static let processFields = FieldSet([
    FieldSpec("name", .name, required: true, "the process's name, in the CSV's process column"),
    FieldSpec("oom-score-adj", .integer(-1000...1000), "the oom_score_adj the worker sets before its first step"),
    FieldSpec("steps", .steps, required: true, "the process's steps"),
  ])

  /// Parses scenario text, failing with its first problem; `file` only labels errors.
  package static func parse(yaml: String, file: String) throws -> Scenario {
    switch check(yaml: yaml, file: file) {
    case .success(let scenario): return scenario
    case .failure(let errors): throw errors.first
    }
  }

  /// Parses scenario text, finding every problem it can: each bad field and each bad step.
  package static func check(yaml: String, file: String) -> Result<Scenario, ScenarioErrors> {
    let context = ParseContext(file: file)
    let scenario = context.attempt { try parse(yaml, context: context) }
    if let scenario, context.errors.isEmpty { return .success(scenario) }
    return .failure(ScenarioErrors(context.errors, partial: scenario, truncated: context.truncated))
  }

  /// Parses the document; throws what stops the whole parse and records the rest in `context`,
  /// returning what could be read, with defaults where a field was bad.
  static func parse(_ yaml: String, context: ParseContext) throws -> Scenario {
    let text = try ScenarioText.readable(yaml, file: context.file)
    try AliasExpansion.check(text, context: context)
    let root: Node?
    do {
      root = try Yams.compose(yaml: text)
    } catch let error as YamlError {
      throw yamlError(error, context: context)
    }
    guard let root, !isNull(root) else {
      throw context.error(at: nil, field: "", "the file is empty; expected a mapping with name, about and steps")
    }
    guard let mapping = root.mapping else {
      throw context.error(at: root.mark, field: "", "expected a mapping with name, about and steps, got \(root.describe)")
    }
    let f = try FieldReader(context: context, path: "", mapping: mapping, fields: topLevelFields)
    let version = context.attempt { try f.version("version") ?? 1 }
    let name = context.attempt { try f.require("name") { try f.name($0) } }
    let about = context.attempt { try f.string("about") ?? "" }
    let limit = context.attempt { try f.limit("limit") } ?? nil
    let heapLimit = context.attempt { () throws -> SizeSpec? in
      let spec = try f.size("heap-limit")
      if case .bytes(let bytes) = spec, let problem = ScenarioBounds.heapLimitProblem(bytes) {
        throw f.error("heap-limit", f.node("heap-limit"), problem)
      }
      return spec
    }
    let allocator = context.attempt { try f.string("allocator") }
    let mallocConf = context.attempt { try f.string("malloc-conf") }
    let arenaMax = context.attempt { try f.int("arena-max") }
    let oomGroup = context.attempt { try f.bool("oom-group") }
    let sample = context.attempt { try f.interval("sample") }
    let expect = context.attempt { try f.choice("expect").flatMap(ExpectedOutcome.init) }
    let timeout = context.attempt { try f.duration("timeout") } ?? nil
    let stepsNode = f.node("steps")
    let processesNode = f.node("processes")
    var processes: [ProcessSpec]?
    switch (stepsNode, processesNode) {
    case (let steps?, nil):
      processes = [ProcessSpec(name: "worker", oomScoreAdj: nil, steps: try Self.steps(steps, path: "steps", context: context))]
    case (nil, let list?):
      processes = try Self.processes(list, context: context)
    case (_?, let list?):
      context.record(context.error(at: list.mark, field: "processes", "expected either steps or processes, not both"))
    case (nil, nil):
      context.record(context.error(at: mapping.mark, field: "steps", "missing required field \"steps\" (or \"processes\")"))
    }
    f.finish()
    Self.checkBounds(context: context, limit: limit, timeout: timeout, heapLimit: (heapLimit ?? nil) != nil)
    var places: [String: (line: Int, column: Int)] = [:]
    for key in topLevelFields.fields.map(\.key) {
      if let mark = f.node(key)?.mark { places[key] = (mark.line, mark.column) }
    }
    var scenario = Scenario(
      file: context.file, version: version ?? 1, name: name ?? "", about: about ?? "", limit: limit,
      heapLimit: heapLimit ?? nil, allocator: allocator ?? nil, mallocConf: mallocConf ?? nil,
      arenaMax: arenaMax ?? nil, oomGroup: (oomGroup ?? nil) ?? false, sampleInterval: sample ?? nil, expect: expect ?? nil, timeout: timeout,
      processes: processes ?? [],
      stepKinds: context.stepLabels, stepNames: context.stepNames, percentFields: context.percentFields, places: places)
    scenario.source = yaml
    return scenario
  }

  /// Refuses every leak that nothing ends: no `for:` of its own, and neither a memory limit nor a
  /// timeout in the scenario (nor, for a leak of objects, a heap limit), so it would eat the host.
  static func checkBounds(context: ParseContext, limit: LimitSetting?, timeout: UInt64?, heapLimit: Bool) {
    guard limit?.bytes == nil, timeout == nil else { return }
    for leak in context.unboundedLeaks where !(leak.objects && heapLimit) {
      context.record(
        context.error(
          at: leak.mark, field: leak.path,
          "a leak without for: never ends by itself; expected for: on the step, or limit: or timeout: in the scenario"
            + (leak.objects ? " (or heap-limit:, which ends a leak of objects)" : "")))
    }
  }

  /// Parses a list of steps, numbering them in pre-order; a bad step is recorded and the rest still read.
  static func steps(_ node: Node, path: String, context: ParseContext) throws -> [PlannedStep] {
    guard let sequence = node.sequence else {
      throw context.error(at: node.mark, field: path, "expected a list of steps, got \(node.describe)")
    }
    guard !sequence.isEmpty else {
      throw context.error(at: node.mark, field: path, "expected at least one step, got an empty list")
    }
    var planned: [PlannedStep] = []
    for (position, item) in sequence.enumerated() {
      if let step = context.attempt({ try Self.step(item, path: "\(path)[\(position)]", context: context) }) {
        planned.append(step)
      }
    }
    return planned
  }

  /// Parses one item of a step list.
  static func step(_ item: Node, path itemPath: String, context: ParseContext) throws -> PlannedStep {
    let known = StepRegistry.all.map { $0.kind }.joined(separator: ", ")
    let key: String
    let value: Node
    if let word = item.scalar?.string, !isNull(item) {
      key = word
      value = Node.scalar(Node.Scalar("null", Tag(.null), .plain, item.mark))
    } else if let written = item.mapping, case let mapping = try FieldReader.merged(written, path: itemPath, context: context),
      mapping.count == 1, let word = mapping.keys.first?.scalar?.string
    {
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
    context.stepNames.append(nil)
    let step: any Step
    do {
      step = try kind.parse(StepInput(context: context, node: value, path: "\(itemPath).\(key)", form: kind.form))
    } catch {
      // A later `free` naming this step's allocations should not fail too.
      if let name = value.mapping?["as"]?.scalar?.string { context.definedNames.insert(name) }
      throw error
    }
    if let name = step.definedName {
      guard !FieldType.reservedNames.contains(name) else {
        throw context.error(
          at: value.mapping?["as"]?.mark ?? item.mark, field: "\(itemPath).\(key).as",
          "the name \"\(name)\" is reserved for free's what:; expected another name")
      }
      context.definedNames.insert(name)
      context.stepNames[index] = name
    }
    return PlannedStep(index: index, kind: kind.kind, step: step)
  }

  /// Parses `processes:`; a bad process is recorded and the rest still read.
  static func processes(_ node: Node, context: ParseContext) throws -> [ProcessSpec] {
    guard let sequence = node.sequence, !sequence.isEmpty else {
      throw context.error(at: node.mark, field: "processes", "expected a non-empty list of processes, got \(node.describe)")
    }
    var seen: Set<String> = []
    var processes: [ProcessSpec] = []
    for (position, item) in sequence.enumerated() {
      if let process = context.attempt({ try Self.process(item, path: "processes[\(position)]", seen: &seen, context: context) }) ?? nil {
        processes.append(process)
      }
    }
    return processes
  }

  /// Parses one process; nil when a problem was recorded in `context`.
  static func process(_ item: Node, path: String, seen: inout Set<String>, context: ParseContext) throws -> ProcessSpec? {
    guard let mapping = item.mapping else {
      throw context.error(at: item.mark, field: path, "expected a mapping with name and steps, got \(item.describe)")
    }
    let f = try FieldReader(context: context, path: path, mapping: mapping, fields: processFields)
    defer { f.finish() }
    let name = context.attempt { try f.require("name") { try f.name($0) } }
    if let name, !seen.insert(name).inserted {
      context.record(
        f.error("name", f.node("name"), "the process name \"\(name)\" is used twice; expected unique names"))
    }
    let adj = context.attempt { try f.int("oom-score-adj") }
    // Each process runs its own steps: a free may only name what this process allocated.
    context.definedNames = []
    guard let stepsNode = f.node("steps") else {
      throw context.error(at: mapping.mark, field: f.fieldPath("steps"), "missing required field \"steps\"")
    }
    let steps = try Self.steps(stepsNode, path: f.fieldPath("steps"), context: context)
    guard let name, let adj else { return nil }
    return ProcessSpec(name: name, oomScoreAdj: adj, steps: steps)
  }

  static func yamlError(_ error: YamlError, context: ParseContext) -> ScenarioError {
    switch error {
    case .scanner(_, let problem, let mark, _), .parser(_, let problem, let mark, _),
      .composer(_, let problem, let mark, _):
      return context.error(at: mark, field: "", "not valid YAML: \(problem)")
    case .duplicatedKeysInMapping(let duplicates, let where_):
      return context.error(
        at: where_.mark, field: "", "duplicate key \(duplicates.map { "\"\($0)\"" }.joined(separator: ", ")); expected each key once")
    case .reader(let problem, let offset, let value, let yaml):
      // Yams counts the offset in Characters; the text before it gives the line and column.
      var line = 1
      var column = 1
      for character in yaml.prefix(offset ?? 0) {
        if character.isNewline { line += 1; column = 1 } else { column += character.unicodeScalars.count }
      }
      let code = value >= 0 ? " (byte or character 0x\(String(value, radix: 16, uppercase: true)))" : ""
      return ScenarioError(
        file: context.file, line: offset == nil ? 0 : line, column: offset == nil ? 0 : column, field: "",
        problem: "not valid YAML: \(problem)\(code)")
    default:
      return context.error(at: nil, field: "", "not valid YAML: \(error)")
    }
  }
}
