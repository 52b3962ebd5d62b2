import Yams

/// One kind of scenario step: how it is written, validated and executed.
///
/// Each kind lives in `Steps/<Name>.swift` and is listed once in `StepRegistry`.
package protocol Step: Sendable {
  /// The YAML key that introduces the step, such as `buffers`.
  static var kind: String { get }
  /// One line of help for `oomlab list` and the README.
  static var summary: String { get }
  /// How the step's value is written, with every field's type and bounds: the parser reads by it, and
  /// `oomlab schema` publishes it.
  static var form: StepForm { get }
  /// The step written out in YAML, as a list item's content, like `buffers: { count: 2, size: 1MiB }`.
  static var example: String { get }
  /// Parses and validates the step's fields.
  static func parse(_ input: StepInput) throws -> Self
  /// Executes the step in the worker.
  func run(_ workload: Workload) throws
  /// The name the step gives its allocations with `as:`, if any.
  var definedName: String? { get }
}

extension Step {
  package var definedName: String? { nil }
}

/// A step placed in the scenario, numbered in pre-order so the CSV can say where the worker is.
package struct PlannedStep: Sendable {
  /// The step's pre-order index over the whole scenario, nested steps included.
  package let index: Int
  /// The step's kind.
  package let kind: String
  /// The step itself.
  package let step: any Step
}

/// What a step's parser is given: its value node and where it sits.
package struct StepInput {
  let context: ParseContext
  /// The value of the step's one-key mapping.
  package let node: Node
  /// The dotted path of the step, such as `steps[3].buffers`.
  package let path: String
  /// How the step's kind is written.
  let form: StepForm

  /// The step's fields as a mapping, read by the form's declarations; fails when the value is not a mapping.
  func fields() throws -> FieldReader {
    guard let mapping = node.mapping else {
      throw context.error(at: node.mark, field: path, "expected a mapping of fields, got \(node.describe)")
    }
    return try FieldReader(context: context, path: path, mapping: mapping, fields: form.fieldSet)
  }

  /// Parses nested steps, used by `repeat`.
  func steps(_ node: Node, path: String) throws -> [PlannedStep] {
    try ScenarioParser.steps(node, path: path, context: context)
  }
}
