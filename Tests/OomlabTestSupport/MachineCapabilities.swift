import Foundation
import Glibc

import OomlabKit

// What this machine lets the tests do; each is the reason a test is skipped, or what it can use.

/// Why cgroup runs cannot happen here, or nil when they can.
package let cgroupUnavailable: String? = {
  guard geteuid() == 0 else { return "not root: creating a memory cgroup needs root or a delegated cgroup" }
  guard let hierarchy = try? CgroupLocator().locate() else { return "no memory cgroup hierarchy is mounted" }
  if case .denied(let why) = CgroupLocator.canCreateChild(in: hierarchy) { return why }
  return nil
}()

/// The machine's RAM and swap in bytes, from /proc/meminfo's MemTotal and SwapTotal.
package func machineRAMAndSwap() throws -> (ram: UInt64, swap: UInt64) {
  var ram: UInt64 = 0
  var swap: UInt64 = 0
  for line in try FileIO.read("/proc/meminfo").split(separator: "\n") {
    let words = line.split(separator: " ")
    guard words.count >= 2, let kib = UInt64(words[1]) else { continue }
    if words[0] == "MemTotal:" { ram = kib * 1024 }
    if words[0] == "SwapTotal:" { swap = kib * 1024 }
  }
  return (ram, swap)
}

/// Whether this process may lower oom_score_adj below 0 (CAP_SYS_RESOURCE).
package let canLowerOomScoreAdj = Doctor.canLowerOomScoreAdj()

/// The jemalloc library an `--allocator jemalloc` run would preload, or nil when it is not installed.
package let jemallocPath: String? = try? AllocatorLocator.resolve(.jemalloc, environment: [:])
