import Glibc

/// Reads one process's /proc files each tick through descriptors opened once.
package final class ProcessProbe {
  let pid: Int32
  let status: ProcFile
  let stat: ProcFile
  let oomScore: ProcFile
  let oomScoreAdj: ProcFile
  /// Reopened when a read fails while the process lives: its descriptor holds the memory of the program
  /// it was opened in, which an exec replaces.
  private(set) var smapsRollup: ProcFile?
  private var lastRollup: SmapsRollup?
  private var lastRollupTime: UInt64 = 0
  private var rollupGap: UInt64 = 0
  /// How often smaps_rollup is read: it walks every mapping, so it costs far more than status.
  let rollupInterval: UInt64
  /// The process's command name (`comm`) at the last read; it changes when the process execs.
  package private(set) var command = ""
  private var commandBytes: [UInt8] = []

  /// Opens the /proc files of `pid`.
  package init(pid: Int32, rollupInterval: UInt64 = 500_000_000) throws {
    self.pid = pid
    let base = "/proc/\(pid)"
    status = try ProcFile("\(base)/status")
    stat = try ProcFile("\(base)/stat", capacity: 1024)
    oomScore = try ProcFile("\(base)/oom_score", capacity: 64)
    oomScoreAdj = try ProcFile("\(base)/oom_score_adj", capacity: 64)
    smapsRollup = try? ProcFile("\(base)/smaps_rollup", capacity: 2048)
    self.rollupInterval = rollupInterval
  }

  /// Fills the kernel's side of `sample`; returns false when the process is gone.
  package func read(into sample: inout Sample, now: UInt64, forceRollup: Bool = false) -> Bool {
    guard let status = status.withContents({ ProcStatus.parse($0) }), status.vms > 0 else {
      // A zombie still has a status file, but without any Vm lines: it is gone for sampling purposes.
      return false
    }
    sample.status = status
    sample.stat =
      stat.withContents { bytes in
        if let head = ProcStatHead.scan(bytes) {
          sample.parentPid = head.parentPid
          // The name is rebuilt only when it changed (an exec), not on every tick.
          let name = UnsafeRawBufferPointer(rebasing: bytes[head.command])
          if !name.elementsEqual(commandBytes) {
            commandBytes = Array(name)
            command = String(decoding: name, as: UTF8.self)
          }
        }
        return ProcStat.parse(bytes)
      } ?? nil
    sample.oomScore = oomScore.withContents { Self.integer($0) } ?? nil
    sample.oomScoreAdj = oomScoreAdj.withContents { Self.integer($0) } ?? nil
    if forceRollup || lastRollup == nil || now &- lastRollupTime >= rollupGap {
      let started = Clock.now()
      var rollup = smapsRollup?.withContents { SmapsRollup.parse($0) }
      if rollup == nil {
        // The status read above succeeded, so the process lives: it exec'd, and the old descriptor reads
        // ESRCH from now on (or the kernel, before 4.14, has no smaps_rollup, and this open fails again).
        smapsRollup = try? ProcFile("/proc/\(pid)/smaps_rollup", capacity: 2048)
        rollup = smapsRollup?.withContents { SmapsRollup.parse($0) }
      }
      if let rollup {
        lastRollup = rollup
        lastRollupTime = now
      }
      // smaps_rollup walks every page table of the worker: ~19 ms for 2 GiB resident. Spacing
      // reads by 50 times their cost keeps them under 2% of a core whatever the worker's size.
      rollupGap = max(rollupInterval, (Clock.now() - started) * 50)
    }
    sample.rollup = lastRollup
    return true
  }

  /// The wait status of a process that died and awaits its parent's waitpid (a zombie); nil once reaped.
  package func exitStatus() -> Int32? {
    stat.withContents { ProcStatHead.exitStatus($0) } ?? nil
  }

  /// Parses a signed decimal such as "-998\n" from raw bytes, without building a String.
  static func integer(_ bytes: UnsafeRawBufferPointer) -> Int? {
    var i = 0
    while i < bytes.count && bytes[i] == 0x20 { i += 1 }
    var negative = false
    if i < bytes.count && bytes[i] == 0x2D {
      negative = true
      i += 1
    }
    var value = 0
    var digits = 0
    while i < bytes.count && bytes[i] >= 0x30 && bytes[i] <= 0x39 {
      value = value * 10 + Int(bytes[i] - 0x30)
      i += 1
      digits += 1
    }
    return digits > 0 ? (negative ? -value : value) : nil
  }
}
