/// Parses /proc/self/mountinfo for the cgroup mounts.
package enum MountInfo {
  /// Super options of a v1 cgroup mount that are not controller names.
  static let genericOptions: Set<String> = [
    "rw", "ro", "noprefix", "clone_children", "xattr", "cpuset_v2_mode", "none", "favordynmods", "nofavordynmods",
  ]

  /// The cgroup v1 and cgroup2 mounts listed in the text of /proc/self/mountinfo, in file order.
  package static func parse(_ text: String) -> [CgroupMount] {
    var mounts: [CgroupMount] = []
    for line in text.split(separator: "\n") {
      // Fields: id parent major:minor root mount-point options [optional...] - fstype source super-options.
      let fields = line.split(separator: " ", omittingEmptySubsequences: true)
      guard fields.count >= 10, let dash = fields[6...].firstIndex(of: "-"), dash + 3 < fields.count else { continue }
      let version: CgroupVersion
      switch fields[dash + 1] {
      case "cgroup": version = .v1
      case "cgroup2": version = .v2
      default: continue
      }
      let superOptions = fields[dash + 3].split(separator: ",")
      var controllers: [String] = []
      // `name=systemd` names a hierarchy without controllers; any key=value option is no controller.
      if version == .v1 {
        for option in superOptions where !option.contains("=") && !genericOptions.contains(String(option)) {
          controllers.append(String(option))
        }
      }
      mounts.append(
        CgroupMount(
          version: version, mountPoint: unescape(fields[4]), root: unescape(fields[3]), controllers: controllers))
    }
    return mounts
  }

  /// Undoes the kernel's octal escapes (`\040` for a space) in mountinfo paths.
  static func unescape(_ field: Substring) -> String {
    guard field.contains("\\") else { return String(field) }
    var bytes: [UInt8] = []
    let utf8 = Array(field.utf8)
    var i = 0
    while i < utf8.count {
      if utf8[i] == 0x5C, i + 3 < utf8.count,
        let a = octal(utf8[i + 1]), let b = octal(utf8[i + 2]), let c = octal(utf8[i + 3])
      {
        bytes.append(UInt8(truncatingIfNeeded: a << 6 | b << 3 | c))
        i += 4
      } else {
        bytes.append(utf8[i])
        i += 1
      }
    }
    return String(decoding: bytes, as: UTF8.self)
  }

  static func octal(_ byte: UInt8) -> Int? {
    byte >= 0x30 && byte <= 0x37 ? Int(byte - 0x30) : nil
  }
}
