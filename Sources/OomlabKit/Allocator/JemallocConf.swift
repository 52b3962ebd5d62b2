/// A MALLOC_CONF string as jemalloc splits it: `key:value` pairs separated by commas, applied left to right.
package struct JemallocConf: Equatable, Sendable {
  /// One `key:value` pair.
  package struct Pair: Equatable, Sendable {
    package let key: String
    package let value: String
  }

  /// The string as given.
  package let text: String
  /// The pairs in order, repeats included.
  package let pairs: [Pair]

  /// Splits `text` the way jemalloc's conf reader does, refusing what it reports as malformed: it stops
  /// reading there, so nothing after that point would apply.
  ///
  /// A key is letters, digits and `_` up to a `:`; the value runs to the next comma or the end.
  package static func parse(_ text: String) throws -> JemallocConf {
    var pairs: [Pair] = []
    var rest = Substring(text)
    while !rest.isEmpty {
      let key = rest.prefix { $0.isASCII && ($0.isLetter || $0.isNumber || $0 == "_") }
      let afterKey = rest[key.endIndex...]
      guard !key.isEmpty, afterKey.first == ":" else {
        let reason =
          afterKey.isEmpty && !key.isEmpty
          ? "it ends with a key and no \":value\" (jemalloc: \"Conf string ends with key\")"
          : "a key of letters, digits and _ followed by \":\" is expected (jemalloc: \"Malformed conf string\")"
        throw JemallocConfError.malformed(conf: text, at: String(rest), reason: reason)
      }
      let value = afterKey.dropFirst().prefix { $0 != "," }
      pairs.append(Pair(key: String(key), value: String(value)))
      rest = afterKey.dropFirst().dropFirst(value.count)
      if rest.first == "," {
        rest = rest.dropFirst()
        if rest.isEmpty {
          throw JemallocConfError.malformed(
            conf: text, at: ",", reason: "it ends with a comma (jemalloc: \"Conf string ends with comma\")")
        }
      }
    }
    return JemallocConf(text: text, pairs: pairs)
  }

  /// The value asked last for each key, in the order keys first appear: a later pair overrides an earlier one.
  package var effective: [Pair] {
    var order: [String] = []
    var last: [String: Pair] = [:]
    for pair in pairs {
      if last[pair.key] == nil { order.append(pair.key) }
      last[pair.key] = pair
    }
    return order.compactMap { last[$0] }
  }
}
