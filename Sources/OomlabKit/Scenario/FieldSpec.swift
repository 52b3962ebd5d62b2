/// One field of a scenario mapping, as declared beside the code that reads it.
public struct FieldSpec: Sendable {
  /// The YAML key.
  public let key: String
  /// The kind of value and its bounds.
  public let type: FieldType
  /// Whether the mapping must have the field.
  public let required: Bool
  /// What the field means, in one line.
  public let about: String

  public init(_ key: String, _ type: FieldType, required: Bool = false, _ about: String) {
    self.key = key
    self.type = type
    self.required = required
    self.about = about
  }
}
