/// Parsers for the single-value cgroup files (`memory.current`, `memory.max`, `cgroup.procs`).
package enum CgroupValue {
  /// v1 limits at or above this are "unlimited": the kernel shows PAGE_COUNTER_MAX pages, which is
  /// 9223372036854771712 with 4 KiB pages but a different number with 16 or 64 KiB pages, and no
  /// machine has 4 EiB of memory.
  package static let unlimitedThreshold: UInt64 = 1 << 62

  /// The number at the start of the text, or nil when there is none or it overflows.
  package static func integer(_ text: String) -> UInt64? {
    KeyValueText.withBytes(text) { integer($0) }
  }

  /// The number at the start of the bytes, or nil when there is none or it overflows.
  package static func integer(_ bytes: UnsafeRawBufferPointer) -> UInt64? {
    var i = 0
    while i < bytes.count && (bytes[i] == 0x20 || bytes[i] == 0x09) { i += 1 }
    var value: UInt64 = 0
    var digits = 0
    while i < bytes.count && bytes[i] >= 0x30 && bytes[i] <= 0x39 {
      let (times10, overflow1) = value.multipliedReportingOverflow(by: 10)
      let (sum, overflow2) = times10.addingReportingOverflow(UInt64(bytes[i] - 0x30))
      if overflow1 || overflow2 { return nil }
      value = sum
      i += 1
      digits += 1
    }
    return digits > 0 ? value : nil
  }

  /// A memory limit in bytes, or nil when the file says unlimited (v2 `max`, v1 PAGE_COUNTER_MAX pages).
  package static func limit(_ text: String) -> UInt64? {
    KeyValueText.withBytes(text) { limit($0) }
  }

  /// A memory limit in bytes from raw file bytes, or nil when unlimited.
  package static func limit(_ bytes: UnsafeRawBufferPointer) -> UInt64? {
    guard let value = integer(bytes), value < unlimitedThreshold else { return nil }
    return value
  }

  /// The process ids listed one per line in `cgroup.procs`.
  package static func pids(_ text: String) -> [Int32] {
    text.split(whereSeparator: { $0 == "\n" || $0 == " " }).compactMap { Int32($0) }
  }

  /// The words of a controller list such as `cgroup.subtree_control` (`cpu io memory`).
  package static func words(_ text: String) -> [String] {
    text.split(whereSeparator: { $0 == " " || $0 == "\n" || $0 == "\t" }).map(String.init)
  }
}
