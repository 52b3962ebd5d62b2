import Foundation
import Glibc

/// A small tmpfs mounted on a fresh temporary folder, to run out of disk space on purpose; needs root.
final class SmallTmpfs {
  /// Where the tmpfs is mounted.
  let directory: URL

  /// Why no tmpfs can be mounted here, or nil when one can.
  static let obstacle: String? = {
    do {
      let probe = try SmallTmpfs(bytes: 64 * 1024)
      probe.unmount()
      return nil
    } catch {
      return "\(error)"
    }
  }()

  /// Whether a tmpfs can be mounted; prints why not, because Swift Testing shows only the fixed comment.
  static func available(for test: String) -> Bool {
    if let obstacle { print("\(test) skipped: \(obstacle)") }
    return obstacle == nil
  }

  /// Mounts a tmpfs of `bytes` on a new temporary folder.
  init(bytes: Int) throws {
    directory = try OomlabProcess.temporaryDirectory()
    guard Glibc.mount("tmpfs", directory.path, "tmpfs", 0, "size=\(bytes),mode=0755") == 0 else {
      let code = errno
      try? FileManager.default.removeItem(at: directory)
      throw MountRefused(description: "cannot mount a tmpfs: \(String(cString: strerror(code))) (needs root)")
    }
  }

  /// Writes a filler file so that only about `bytes` stay free.
  func fill(leaving bytes: Int) throws {
    var stats = statvfs()
    guard statvfs(directory.path, &stats) == 0 else { throw MountRefused(description: "statvfs failed") }
    let free = Int(stats.f_bavail) * Int(stats.f_frsize)
    let filler = [UInt8](repeating: 0x2E, count: max(free - bytes, 0))
    try Data(filler).write(to: directory.appendingPathComponent("filler"))
  }

  /// Unmounts the tmpfs and removes its folder.
  func unmount() {
    Glibc.umount2(directory.path, Int32(MNT_DETACH))
    try? FileManager.default.removeItem(at: directory)
  }

  /// A tmpfs that could not be mounted.
  struct MountRefused: Error, CustomStringConvertible {
    let description: String
  }
}
