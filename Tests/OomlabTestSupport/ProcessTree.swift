import Foundation

import OomlabKit

/// The head of /proc/PID/stat (name, state, parent), nil once no process, not even a zombie, holds `pid`.
package func procStatHead(_ pid: Int32) -> ProcStatHead? {
  (try? String(contentsOfFile: "/proc/\(pid)/stat", encoding: .utf8)).flatMap(ProcStatHead.parse)
}

/// Whether `pid` exists and is not a zombie.
package func isLiving(_ pid: Int32) -> Bool {
  procStatHead(pid).map { $0.state != UInt8(ascii: "Z") } ?? false
}

/// The PIDs whose parent is `pid`, from /proc.
package func childPIDs(of pid: Int32) -> [Int32] {
  let entries = (try? FileManager.default.contentsOfDirectory(atPath: "/proc")) ?? []
  return entries.compactMap(Int32.init).filter { procStatHead($0)?.parentPid == pid }
}

/// The package root, found from this source file's path.
package func repositoryRoot(_ file: String = #filePath) -> URL {
  URL(fileURLWithPath: file).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
}

/// The text of a scenario the repository ships, `Scenarios/NAME.yaml`.
package func shippedScenario(_ name: String) throws -> String {
  try String(contentsOf: repositoryRoot().appendingPathComponent("Scenarios/\(name).yaml"), encoding: .utf8)
}

/// A pid no process can have: pids are allocated below /proc/sys/kernel/pid_max.
package var deadPid: Int32 {
  let text = (try? FileIO.read("/proc/sys/kernel/pid_max")) ?? "4194304"
  return Int32(CgroupValue.integer(text) ?? 4_194_304)
}
