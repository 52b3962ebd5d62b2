/// What a scenario's `limit:` or `--memory-limit` says about the memory limit, when it says anything.
package enum LimitSetting: Hashable, Sendable {
  /// `none`: no limit, even where the other source sets one.
  case none
  /// A limit in bytes.
  case bytes(UInt64)

  /// The limit in bytes, nil for none.
  package var bytes: UInt64? {
    if case .bytes(let bytes) = self { return bytes }
    return nil
  }

  /// `none`, or a size as `ByteSize` parses it; nil for anything else.
  package init?(parsing text: String) {
    if text == "none" {
      self = .none
    } else if case .success(let bytes) = ByteSize.parse(text) {
      self = .bytes(bytes)
    } else {
      return nil
    }
  }
}
