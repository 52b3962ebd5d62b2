import Foundation

import OomlabKit

/// The PIDs whose parent is `pid`, from /proc.
package func childPIDs(of pid: Int32) -> [Int32] {
  let entries = (try? FileManager.default.contentsOfDirectory(atPath: "/proc")) ?? []
  return entries.compactMap(Int32.init).filter { child in
    guard let stat = try? String(contentsOfFile: "/proc/\(child)/stat", encoding: .utf8),
      let close = stat.lastIndex(of: ")")
    else { return false }
    let fields = stat[stat.index(after: close)...].split(separator: " ")
    return fields.count > 1 && Int32(fields[1]) == pid
  }
}

/// The package root, found from this source file's path.
package func repositoryRoot(_ file: String = #filePath) -> URL {
  URL(fileURLWithPath: file).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
}

/// A pid no process can have: pids are allocated below /proc/sys/kernel/pid_max.
package var deadPid: Int32 {
  let text = (try? FileIO.read("/proc/sys/kernel/pid_max")) ?? "4194304"
  return Int32(CgroupValue.integer(text) ?? 4_194_304)
}
