extension String {
  /// A count and its noun, the noun in the plural unless the count is one: `1 collection`, `2 collections`.
  package init(count: some BinaryInteger, _ noun: String, plural: String? = nil) {
    self = "\(count) \(count == 1 ? noun : plural ?? noun + "s")"
  }
}
