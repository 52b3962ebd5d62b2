/// How a step's value is written after its key.
package enum StepForm: Sendable {
  /// A mapping of fields: `- buffers: { count: 2, size: 1MiB }`.
  case fields(FieldSet)
  /// A single value: `- oom-score-adj: 500`.
  case value(FieldType)
  /// A single value, or a mapping of fields: `- hold: 1s` or `- hold: { for: 1s }`.
  case valueOrFields(FieldType, FieldSet)
  /// Nothing: `- gc`, `- gc: {}` or `- gc:`.
  case nothing

  /// The fields of the mapping form, empty when the step has none.
  package var fieldSet: FieldSet {
    switch self {
    case .fields(let set), .valueOrFields(_, let set): return set
    case .value, .nothing: return FieldSet([])
    }
  }
}
