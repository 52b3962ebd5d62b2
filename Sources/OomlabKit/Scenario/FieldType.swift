/// The kind of value a scenario field takes, with its bounds: the parser reads each field by its declared
/// type, and `oomlab schema` describes the field from the same declaration.
package indirect enum FieldType: Sendable {
  /// A whole number within the range.
  case integer(ClosedRange<Int>)
  /// The scenario language's version: this number only.
  case version(Int)
  /// A size like `10MiB`; with `allowPercent`, also a share of the memory limit like `75%`.
  case size(allowZero: Bool, allowPercent: Bool)
  /// A step's duration like `250ms`, at most `ScenarioBounds.maximumStepDuration`.
  case duration(allowZero: Bool)
  /// A sampling interval within `SampleInterval`'s bounds.
  case interval
  /// A memory limit: a size, or `none`.
  case limit
  /// A rate like `50MiB/s`.
  case rate
  /// How much of an allocation to write: `none`, `all`, or a fraction.
  case touch
  /// A fraction in 0...1, written `0.25` or `25%`.
  case fraction
  /// `true` or `false`.
  case boolean
  /// Letters, digits, `-` and `_`, at most `ScenarioBounds.maximumNameBytes`: it becomes part of file names.
  case name
  /// A name for `free`'s `what:`, as `name` but none of the words `what:` already means.
  case allocationName
  /// Any text.
  case text
  /// One of the words.
  case choice([String])
  /// A size, or `[MIN, MAX]` sizes.
  case sizeOrRange
  /// `sequential`, `random` or `sparse STRIDE`.
  case pagesPattern
  /// A list of steps.
  case steps
  /// A list of processes.
  case processes

  /// The words an `allocationName` cannot be: `free`'s `what:` takes them as kinds of allocation.
  package static let reservedNames = AllocationKind.allCases.map(\.rawValue) + ["all"]
}
