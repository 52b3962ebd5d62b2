/// A problem in a scenario file, located at the file, line and column of the offending value.
package struct ScenarioError: Error, CustomStringConvertible, Hashable {
  /// The scenario file's path as the user gave it.
  package var file: String
  /// The 1-based line of the offending value, or 0 when the whole file is at fault.
  package var line: Int
  /// The 1-based column of the offending value, or 0 when the whole file is at fault.
  package var column: Int
  /// The dotted path of the field, such as `steps[2].buffers.size`.
  package var field: String
  /// What was wrong and what was expected, quoting the bad value.
  package var problem: String

  /// Creates an error at a location.
  package init(file: String, line: Int, column: Int, field: String, problem: String) {
    self.file = file
    self.line = line
    self.column = column
    self.field = field
    self.problem = problem
  }

  /// The error as one line; control characters from the file or its values are escaped, never printed.
  package var description: String {
    let place = line > 0 ? "\(file):\(line):\(column)" : file
    let text = field.isEmpty ? "\(place): \(problem)" : "\(place): \(field): \(problem)"
    return text.escapingNonPrintable
  }
}
