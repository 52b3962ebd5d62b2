/// The fields of one kind of mapping, in the order error messages list them, with the rules that tie them together.
package struct FieldSet: Sendable {
  /// Every field the mapping may have.
  package let fields: [FieldSpec]
  /// Keys of which the mapping must have exactly one, when it must.
  package let exactlyOne: [String]
  /// A boolean key that, when true, needs another key beside it.
  package let needs: [(whenTrue: String, key: String)]

  package init(_ fields: [FieldSpec], exactlyOne: [String] = [], needs: [(whenTrue: String, key: String)] = []) {
    self.fields = fields
    self.exactlyOne = exactlyOne
    self.needs = needs
  }

  /// The declaration of `key`, if the mapping has such a field.
  package subscript(key: String) -> FieldSpec? { fields.first { $0.key == key } }
}
