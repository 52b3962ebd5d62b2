import Testing

/// One scenario the parser must refuse, and exactly how it must say so.
package struct BadScenario: Sendable, CustomTestStringConvertible {
  /// What is wrong, shown as the test case's name.
  package let label: String
  package let yaml: String
  /// The expected 1-based line, or 0 when the whole file is at fault.
  package let line: Int
  /// The expected 1-based column, or nil where the column is not meaningful.
  package let column: Int?
  /// The expected dotted field path ("" for the whole file or a YAML syntax error).
  package let field: String
  /// A phrase the problem must contain, quoting the bad value where there is one.
  package let phrase: String

  init(_ label: String, _ yaml: String, at line: Int, _ column: Int?, field: String, _ phrase: String) {
    self.label = label
    self.yaml = yaml
    self.line = line
    self.column = column
    self.field = field
    self.phrase = phrase
  }

  package var testDescription: String { label }
}
