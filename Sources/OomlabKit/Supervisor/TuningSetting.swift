/// What the command line says about one allocator tuning (`--arena-max`, `--malloc-conf`): none, even where the
/// scenario sets it, or a value that replaces the scenario's.
package enum TuningSetting<Value: Equatable & Sendable>: Equatable, Sendable {
  /// No tuning: the allocator's own behaviour, whatever the scenario says.
  case none
  /// This value instead of the scenario's.
  case value(Value)

  /// The tuning in force: the command line's when it says anything, else the scenario's.
  package static func resolve(_ request: TuningSetting?, over scenario: Value?) -> Value? {
    switch request {
    case nil: return scenario
    case .none?: return nil
    case .value(let value)?: return value
    }
  }
}

extension TuningSetting where Value == Int {
  /// The arena caps glibc's `glibc.malloc.arena_max` tunable takes here.
  package static let arenaRange = 1...1024

  /// `none` or an arena cap in `arenaRange`; nil for anything else.
  package init?(arenaMax text: String) {
    if text == "none" {
      self = .none
    } else if let value = Int(text), Self.arenaRange.contains(value) {
      self = .value(value)
    } else {
      return nil
    }
  }
}

extension TuningSetting where Value == String {
  /// `none`, or a MALLOC_CONF as written; nil for the empty string, which says nothing.
  package init?(mallocConf text: String) {
    guard !text.isEmpty else { return nil }
    self = text == "none" ? .none : .value(text)
  }
}

extension TuningSetting: Hashable where Value: Hashable {}
