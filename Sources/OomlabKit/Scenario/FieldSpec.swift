/// One field of a scenario mapping, as declared beside the code that reads it.
package struct FieldSpec: Sendable {
  /// The YAML key.
  package let key: String
  /// The kind of value and its bounds.
  package let type: FieldType
  /// Whether the mapping must have the field.
  package let required: Bool
  /// What the field means, in one line.
  package let about: String

  package init(_ key: String, _ type: FieldType, required: Bool = false, _ about: String) {
    self.key = key
    self.type = type
    self.required = required
    self.about = about
  }
}
