import Foundation
import Synchronization

/// One live allocation the worker holds, with what it costs.
///
/// A value passed between steps and `AllocationTable`, which stores it in far fewer bytes.
struct Allocation {
  let kind: AllocationKind
  /// The interned `as:` name (see `AllocationNames`).
  let nameID: UInt16
  /// The address of a malloc'ed block or mapped region, or the stack thread's handle.
  let address: UnsafeMutableRawPointer?
  /// The bytes asked for (reserved address space for pages and stacks).
  let bytes: UInt64
  /// The bytes of it the scenario wrote.
  let touched: UInt64
  /// The share of `bytes` written, when `touched` is `Workload.touchedBytes(bytes, touch)`: lets a
  /// run of blocks of varying sizes store it once instead of each block's touched bytes.
  let touch: Double?

  init(
    kind: AllocationKind, name: String?, address: UnsafeMutableRawPointer?, bytes: UInt64, touched: UInt64,
    thread: OpaquePointer?
  ) {
    self.kind = kind
    self.nameID = AllocationNames.shared.id(name)
    self.address = address ?? thread.map { UnsafeMutableRawPointer($0) }
    self.bytes = bytes
    self.touched = touched
    self.touch = nil
  }

  /// Rebuilds an allocation from its stored parts, or makes one whose touched bytes came from the share `touch`.
  init(
    kind: AllocationKind, nameID: UInt16, address: UnsafeMutableRawPointer?, bytes: UInt64, touched: UInt64,
    touch: Double? = nil
  ) {
    self.kind = kind
    self.nameID = nameID
    self.address = address
    self.bytes = bytes
    self.touched = touched
    self.touch = touch
  }

  /// The `as:` name of the step that made it.
  var name: String? { AllocationNames.shared.name(nameID) }

  /// The thread that owns a stack, for `threads`.
  var thread: OpaquePointer? { kind == .threads ? address.map { OpaquePointer($0) } : nil }
}

/// Interns `as:` names so each allocation stores two bytes instead of a String.
final class AllocationNames: Sendable {
  static let shared = AllocationNames()
  private let table = Mutex((names: [String](), ids: [String: UInt16]()))

  /// The id of `name`; 0 means no name.
  func id(_ name: String?) -> UInt16 {
    guard let name else { return 0 }
    return table.withLock { table in
      if let id = table.ids[name] { return id }
      table.names.append(name)
      let id = UInt16(table.names.count)
      table.ids[name] = id
      return id
    }
  }

  /// The name an id stands for; nil for 0.
  func name(_ id: UInt16) -> String? {
    guard id > 0 else { return nil }
    return table.withLock { $0.names[Int(id) - 1] }
  }
}
