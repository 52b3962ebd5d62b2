/// The first word of every object in the managed heap, in the object's own bytes as V8's map word is.
///
/// The heap finds its objects by walking its pages from header to header, so it keeps no record
/// per object outside them: a side table of a million objects would be malloc'ed bytes in the
/// very RSS and allocator statistics the run compares the heap with. An object with a payload
/// holds the payload's address and size in its next two words.
struct HeapObject {
  /// What the heap knows of an object beyond its size.
  struct Flags: OptionSet {
    let rawValue: UInt8
    /// Unreachable: the next collection that visits it frees it.
    static let garbage = Flags(rawValue: 1 << 0)
    /// Freed in place by a full collection: a filler the walk steps over, as V8's free space.
    static let collected = Flags(rawValue: 1 << 1)
    /// Survived one scavenge: the next one promotes it (V8's age mark).
    static let survived = Flags(rawValue: 1 << 2)
    /// Owns a native payload, described in words 2 and 3.
    static let payload = Flags(rawValue: 1 << 3)
    /// The payload is reported to the heap as external memory.
    static let reported = Flags(rawValue: 1 << 4)
    /// The payload is an ArrayBuffer backing store.
    static let arrayBuffer = Flags(rawValue: 1 << 5)
  }

  /// Where the object starts.
  let address: UnsafeMutableRawPointer

  /// The object's size in bytes, header included.
  var size: UInt64 { UInt64(address.load(as: UInt32.self)) }
  /// The interned `as:` name of the step that made it (see `AllocationNames`).
  var nameID: UInt16 { address.load(fromByteOffset: 4, as: UInt16.self) }
  /// The object's flags.
  var flags: Flags {
    get { Flags(rawValue: address.load(fromByteOffset: 6, as: UInt8.self)) }
    nonmutating set { address.storeBytes(of: newValue.rawValue, toByteOffset: 6, as: UInt8.self) }
  }
  /// The payload's address, when `flags` has `.payload`.
  var payload: UnsafeMutableRawPointer? {
    flags.contains(.payload) ? UnsafeMutableRawPointer(bitPattern: address.load(fromByteOffset: 8, as: UInt.self)) : nil
  }
  /// The payload's size in bytes, 0 without one.
  var payloadSize: UInt64 { flags.contains(.payload) ? address.load(fromByteOffset: 16, as: UInt64.self) : 0 }

  /// Writes a new object's header over its first words.
  static func write(
    at address: UnsafeMutableRawPointer, size: UInt64, nameID: UInt16, flags: Flags, payload: UnsafeMutableRawPointer?,
    payloadSize: UInt64
  ) -> HeapObject {
    address.storeBytes(of: UInt32(size), as: UInt32.self)
    address.storeBytes(of: nameID, toByteOffset: 4, as: UInt16.self)
    address.storeBytes(of: flags.rawValue, toByteOffset: 6, as: UInt8.self)
    address.storeBytes(of: 0, toByteOffset: 7, as: UInt8.self)
    if flags.contains(.payload) {
      address.storeBytes(of: UInt(bitPattern: payload), toByteOffset: 8, as: UInt.self)
      address.storeBytes(of: payloadSize, toByteOffset: 16, as: UInt64.self)
    }
    return HeapObject(address: address)
  }
}
