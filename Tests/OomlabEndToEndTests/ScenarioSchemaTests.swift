import Foundation
import Testing

@testable import OomlabKit
import OomlabTestSupport

/// A python3 with the `jsonschema` package, looked for as `oomlab plot` looks for matplotlib; nil when none has it.
let jsonschemaPython: String? = Plotter().candidates().first { python in
  let process = Process()
  process.executableURL = URL(fileURLWithPath: python)
  process.arguments = ["-c", "import jsonschema; jsonschema.Draft202012Validator"]
  process.standardOutput = FileHandle.nullDevice
  process.standardError = FileHandle.nullDevice
  guard (try? process.run()) != nil else { return false }
  process.waitUntilExit()
  return process.terminationStatus == 0
}

let jsonschemaUnavailable: String? =
  jsonschemaPython == nil
  ? "no python3 here has the jsonschema package (python3 -m pip install jsonschema, or scripts/test.sh)" : nil

/// `oomlab schema` describes the scenario language as the parser reads it: every shipped scenario validates, the
/// bad-input corpus is refused except where only values tell, and the declarations agree with the parser.
@Suite struct ScenarioSchemaTests {
  /// What `jsonschema` says of each document: its error messages, none when it is valid.
  static func validate(_ documents: [(label: String, json: Any)]) throws -> [String: [String]] {
    let directory = try OomlabProcess.temporaryDirectory()
    defer { try? FileManager.default.removeItem(at: directory) }
    let schema = directory.appendingPathComponent("schema.json")
    try ScenarioSchema.text().write(to: schema, atomically: true, encoding: .utf8)
    var files: [String: String] = [:]
    for (index, document) in documents.enumerated() {
      let file = directory.appendingPathComponent("\(index).json")
      try JSONSerialization.data(withJSONObject: document.json, options: [.fragmentsAllowed]).write(to: file)
      files[file.path] = document.label
    }
    let program = """
      import json, sys, jsonschema
      schema = json.load(open(sys.argv[1]))
      jsonschema.Draft202012Validator.check_schema(schema)
      validator = jsonschema.Draft202012Validator(schema)
      for path in sys.argv[2:]:
          errors = [error.message for error in validator.iter_errors(json.load(open(path)))]
          print(json.dumps({"file": path, "errors": errors[:3]}))
      """
    let process = Process()
    process.executableURL = URL(fileURLWithPath: try #require(jsonschemaPython))
    process.arguments = ["-c", program, schema.path] + files.keys.sorted()
    let output = Pipe()
    let errors = Pipe()
    process.standardOutput = output
    process.standardError = errors
    try process.run()
    let data = output.fileHandleForReading.readDataToEndOfFile()
    let stderr = String(decoding: errors.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
    process.waitUntilExit()
    try #require(process.terminationStatus == 0, "jsonschema failed: \(stderr)")
    var results: [String: [String]] = [:]
    // Untyped on purpose: a record of the checker's own output, which no type of oomlab's describes.
    for line in String(decoding: data, as: UTF8.self).split(separator: "\n") {
      let record = try #require(try JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any])
      let file = try #require(record["file"] as? String)
      results[try #require(files[file])] = record["errors"] as? [String] ?? []
    }
    #expect(results.count == documents.count)
    return results
  }

  /// The shipped scenarios, by path from the repository's root.
  static func shipped() throws -> [(path: String, yaml: String)] {
    let folder = repositoryRoot().appendingPathComponent("Scenarios")
    return try FileManager.default.contentsOfDirectory(atPath: folder.path).filter { $0.hasSuffix(".yaml") }.sorted()
      .map { ("Scenarios/\($0)", try String(contentsOf: folder.appendingPathComponent($0), encoding: .utf8)) }
  }

  /// Each step kind's example as the only step of a scenario.
  static func examples() -> [(label: String, yaml: String)] {
    StepRegistry.all.map { ("example of \($0.kind)", "name: example\nsteps:\n  - \($0.example)\n") }
  }

  @Test(.enabled(if: jsonschemaUnavailable == nil, "\(jsonschemaUnavailable ?? "")"))
  func everyShippedScenarioAndEveryStepExampleValidates() throws {
    let documents = try Self.shipped().map { ($0.path, $0.yaml) } + Self.examples()
    #expect(documents.count >= 25 + StepRegistry.all.count)
    // The parser accepts them all, so a refusal here is the schema's mistake.
    for (label, yaml) in documents { #expect(throws: Never.self, "\(label)") { try ScenarioParser.parse(yaml: yaml, file: label) } }
    let results = try Self.validate(try documents.map { ($0.0, try EditorYAML.json($0.1)) })
    for (label, errors) in results.sorted(by: { $0.key < $1.key }) { #expect(errors.isEmpty, "\(label): \(errors)") }
  }

  /// Why a corpus entry is beyond a schema.
  enum Beyond {
    static let amount =
      "a bound on the amount a spelling stands for (1TiB, 24h, 1ms to 1h, 1MiB, above zero): a pattern sees the digits and the unit, not the amount"
    static let product = "a bound on count x size, two fields multiplied"
    static let relation = "compares two values of one step (MIN <= MAX, a thread's touch within its stack)"
    static let reference = "refers to an as: name given earlier in the same process"
    static let unique = "process names must differ; uniqueItems compares whole items, not one field of them"
    static let bytes = "a length in UTF-8 bytes; maxLength counts characters"
    static let bound = "whether a leak needs for: depends on limit: and timeout: elsewhere in the file"
    static let yaml = "not YAML an editor's parser reads (syntax, a duplicate key, a control character, an alias bomb): it is refused before any schema applies"
  }

  /// The corpus entries a JSON Schema cannot refuse, each with the reason: every other entry must be refused.
  /// The test fails when the schema starts to refuse one of these (take it off the list) or accepts an entry
  /// not listed (the schema lost a rule).
  static let beyondASchema: [String: String] = [
    "unbalanced brackets": Beyond.yaml,
    "tab indentation": Beyond.yaml,
    "undefined alias": Beyond.yaml,
    "duplicate top-level key": Beyond.yaml,
    "duplicate key in a step": Beyond.yaml,
    "NUL byte in the text": Beyond.yaml,
    "terminal escape in the text": Beyond.yaml,
    "DEL in a step": Beyond.yaml,
    "aliases multiplying steps a billion times": Beyond.yaml,
    "an alias of a billion nodes as a mapping key": Beyond.yaml,
    "sample below 1ms": Beyond.amount,
    "sample of zero": Beyond.amount,
    "sample above an hour": Beyond.amount,
    "sample of 2 hours": Beyond.amount,
    "sample of 299999999m": Beyond.amount,
    "hold beyond 24 hours": Beyond.amount,
    "hold of 25 hours": Beyond.amount,
    "every beyond 24 hours": Beyond.amount,
    "leak for beyond 24 hours": Beyond.amount,
    "leak for zero seconds": Beyond.amount,
    "size that rounds to zero": Beyond.amount,
    "overflowing size": Beyond.amount,
    "size of exactly 2^63 bytes": Beyond.amount,
    "limit beyond 1TiB": Beyond.amount,
    "heap-limit beyond 1TiB": Beyond.amount,
    "heap-limit below 1MiB": Beyond.amount,
    "leak rate beyond 1TiB/s": Beyond.amount,
    "leak block beyond 1TiB": Beyond.amount,
    "sparse stride beyond 1TiB": Beyond.amount,
    "threads stack too small": Beyond.amount,
    "buffers beyond 1TiB in all": Beyond.product,
    "native count times the largest block beyond 1TiB": Beyond.product,
    "thread stacks beyond 1TiB in all": Beyond.product,
    "native size range with min > max": Beyond.relation,
    "threads touch larger than the stack": Beyond.relation,
    "free naming a name never allocated": Beyond.reference,
    "free naming a name defined only later": Beyond.reference,
    "free naming another process's allocation": Beyond.reference,
    "process name used twice": Beyond.unique,
    "name of 129 two-byte letters": Beyond.bytes,
    "leak without any bound": Beyond.bound,
    "leak of objects under limit none": Beyond.bound,
    "unbounded leak in a process": Beyond.bound,
    "timeout of zero": Beyond.amount,
  ]

  @Test(.enabled(if: jsonschemaUnavailable == nil, "\(jsonschemaUnavailable ?? "")"))
  func theBadInputCorpusIsRefusedWhereAStructureCanTell() throws {
    var documents: [(label: String, json: Any)] = []
    var notYAML: [String] = []
    for bad in ScenarioCorpus.bad {
      do {
        documents.append((bad.label, try EditorYAML.json(bad.yaml)))
      } catch {
        notYAML.append(bad.label)
      }
    }
    let results = try Self.validate(documents)
    let accepted = Set(results.filter { $0.value.isEmpty }.keys)
    for label in notYAML { #expect(Self.beyondASchema[label] == Beyond.yaml, "\(label) is not YAML") }
    for label in accepted.sorted() {
      #expect(Self.beyondASchema[label] != nil, "the schema accepts \"\(label)\", which it should refuse")
    }
    for (label, reason) in Self.beyondASchema where reason != Beyond.yaml {
      #expect(accepted.contains(label), "the schema now refuses \"\(label)\": take it off the list (\(results[label] ?? []))")
    }
    // Most of the corpus is structure: the list stays the exception.
    #expect(results.count - accepted.count >= 40, "refused \(results.count - accepted.count) of \(results.count)")
  }

  /// A value of each declared type, written in YAML, that the parser takes.
  static func sample(_ type: FieldType) -> String {
    switch type {
    case .integer(let range): return "\(range.lowerBound)"
    case .version(let only): return "\(only)"
    case .size: return "1MiB"
    case .duration, .interval: return "10ms"
    case .limit: return "64MiB"
    case .rate: return "1MiB/s"
    case .touch: return "all"
    case .fraction: return "0.5"
    case .boolean: return "false"
    case .name, .allocationName: return "n"
    // `free`'s what: is the only required text, and all is a target it always takes.
    case .text: return "all"
    case .choice(let words): return words[0]
    case .sizeOrRange: return "1KiB"
    case .pagesPattern: return "sequential"
    case .steps: return "[ { hold: 1ms } ]"
    case .processes: return "[ { name: p, steps: [ { hold: 1ms } ] } ]"
    }
  }

  /// The fields a mapping needs from its declaration: the required ones, and the first of an exactly-one group.
  static func needed(_ set: FieldSet, leaving left: String? = nil, adding extra: String? = nil) -> String {
    let keys = set.fields.filter { $0.required || $0.key == set.exactlyOne.first }.map(\.key).filter { $0 != left }
    return "{ " + (keys.map { "\($0): \(sample(set[$0]!.type))" } + (extra.map { [$0] } ?? [])).joined(separator: ", ") + " }"
  }

  /// The parser reads what the declarations say, and nothing else: a mapping of the required fields parses,
  /// one without a required field is refused naming it, and an unknown key is told the declared keys in order.
  @Test(arguments: StepRegistry.all.map { $0.kind })
  func eachStepsDeclarationsAgreeWithItsParser(_ kind: String) throws {
    let step = try #require(StepRegistry.kind(named: kind))
    let set = step.form.fieldSet
    // A timeout bounds whatever the step does: a leak without for: needs one.
    func scenario(_ value: String) -> String { "name: x\ntimeout: 1m\nsteps:\n  - \(kind): \(value)\n" }
    if case .fields = step.form {
      _ = try ScenarioParser.parse(yaml: scenario(Self.needed(set)), file: "good.yaml")
    }
    for field in set.fields where field.required {
      let error = try #require(ScenarioCorpus.error(scenario(Self.needed(set, leaving: field.key))))
      #expect(error.problem == "missing required field \"\(field.key)\"", "\(kind): \(error)")
    }
    guard !set.fields.isEmpty else { return }
    let error = try #require(ScenarioCorpus.error(scenario(Self.needed(set, adding: "zzz: 1"))))
    #expect(error.problem == "unknown key \"zzz\"; expected one of: \(set.fields.map(\.key).joined(separator: ", "))", "\(error)")
  }

  @Test func theTopLevelAndProcessDeclarationsAgreeWithTheParser() throws {
    let top = ScenarioParser.topLevelFields
    _ = try ScenarioParser.parse(yaml: "name: x\nsteps: [ { hold: 1ms } ]\n", file: "good.yaml")
    let nameless = try #require(ScenarioCorpus.error("steps: [ { hold: 1ms } ]\n"))
    #expect(nameless.problem == "missing required field \"name\"")
    #expect(top.fields.filter(\.required).map(\.key) == ["name"])
    let unknown = try #require(ScenarioCorpus.error("name: x\nzzz: 1\nsteps: [ { hold: 1ms } ]\n"))
    #expect(unknown.problem == "unknown key \"zzz\"; expected one of: \(top.fields.map(\.key).joined(separator: ", "))")
    let processes = ScenarioParser.processFields
    _ = try ScenarioParser.parse(yaml: "name: x\nprocesses:\n  - \(Self.needed(processes))\n", file: "good.yaml")
    for field in processes.fields where field.required {
      let error = try #require(
        ScenarioCorpus.error("name: x\nprocesses:\n  - \(Self.needed(processes, leaving: field.key))\n"))
      #expect(error.problem == "missing required field \"\(field.key)\"", "\(error)")
    }
  }

  /// The schema names every step kind and every declared field, from the declarations themselves.
  @Test func theSchemaIsMadeFromTheDeclarations() throws {
    // Untyped on purpose: a JSON Schema document is open-ended JSON, which is what the library builds.
    let document = ScenarioSchema.document()
    #expect(document["$schema"] as? String == "https://json-schema.org/draft/2020-12/schema")
    let properties = try #require(document["properties"] as? [String: Any])
    #expect(Set(properties.keys) == Set(ScenarioParser.topLevelFields.fields.map(\.key)))
    let steps = try #require(((document["$defs"] as? [String: Any])?["step"] as? [String: Any])?["oneOf"] as? [[String: Any]])
    let named = Set(steps.compactMap { ($0["required"] as? [String])?.first })
    let kinds = Set(StepRegistry.all.map { $0.kind })
    #expect(named == kinds)
    let bare = Set(steps.compactMap { $0["const"] as? String })
    #expect(bare == ["gc", "trim"], "the steps written without a value")
  }

  /// `oomlab schema` prints it, and the copy in docs/ for editors is the same text.
  @Test func theCommandPrintsTheSchemaAndDocsHoldsItsCopy() throws {
    let result = try OomlabProcess.invoke(["schema"], directory: repositoryRoot())
    #expect(result.status == 0, "\(result.stderr)")
    #expect(result.stdout == (try ScenarioSchema.text()))
    #expect((try? JSONSerialization.jsonObject(with: Data(result.stdout.utf8))) is [String: Any])
    let copy = try String(contentsOf: repositoryRoot().appendingPathComponent("docs/scenario.schema.json"), encoding: .utf8)
    #expect(copy == result.stdout, "docs/scenario.schema.json is stale: oomlab schema > docs/scenario.schema.json")
  }

  /// The README's modeline names the copy in docs/ by a path that resolves from the shipped scenarios' folder.
  @Test func theReadmeShowsEditorsTheSchema() throws {
    let root = repositoryRoot()
    let readme = try String(contentsOf: root.appendingPathComponent("README.md"), encoding: .utf8)
    let modeline = "# yaml-language-server: $schema=../docs/scenario.schema.json"
    #expect(readme.contains(modeline))
    let target = root.appendingPathComponent("Scenarios").appendingPathComponent("../docs/scenario.schema.json")
    #expect(FileManager.default.fileExists(atPath: target.standardizedFileURL.path))
    #expect(readme.contains("oomlab schema"))
  }
}
