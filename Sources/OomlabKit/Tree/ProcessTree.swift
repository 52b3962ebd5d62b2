import Glibc

/// The processes of a recorded tree, found anew at every tick and each sampled while it lives.
final class ProcessTree {
  /// How the tree's processes are found.
  enum Discovery {
    /// Every process in a cgroup of oomlab's own: one read of its `cgroup.procs`.
    case cgroup(procs: String)
    /// The descendants of a process, through the `children` files of /proc.
    case descendants(of: Int32)
  }

  let discovery: Discovery
  let rollupInterval: UInt64
  /// Every process seen, in the order found.
  private(set) var members: [TreeMember] = []
  private var byPid: [Int32: TreeMember] = [:]
  /// The highest sum of RSS over the processes sampled at one tick, and when.
  private(set) var peakTotalRss: UInt64 = 0
  private(set) var peakTotalAt: Double = 0
  /// Processes that ended between two ticks without ever being sampled.
  private(set) var unseen = 0
  private let origin: ChildrenReader?
  private let procs: ProcFile?

  init(_ discovery: Discovery, rollupInterval: UInt64) {
    self.discovery = discovery
    self.rollupInterval = rollupInterval
    switch discovery {
    case .cgroup(let file):
      procs = try? ProcFile(file, capacity: 4096)
      origin = nil
    case .descendants(let pid):
      procs = nil
      origin = ChildrenReader(pid: pid)
    }
  }

  /// The process `pid`, if seen.
  func member(_ pid: Int32) -> TreeMember? { byPid[pid] }

  /// The processes still running at the last tick.
  var running: [TreeMember] { members.filter(\.isRunning) }

  /// Adds `pid`, a child of `parent` when that is known; nil when it is gone or not the process listed.
  @discardableResult
  func adopt(_ pid: Int32, parent: Int32?, at seconds: Double, checkAlive: Bool = true) -> TreeMember? {
    if let known = byPid[pid] { return known }
    guard
      let member = try? TreeMember(
        pid: pid, parent: parent, at: seconds, rollupInterval: rollupInterval, checkAlive: checkAlive)
    else {
      return nil
    }
    members.append(member)
    byPid[pid] = member
    return member
  }

  /// Finds the processes that appeared since the last tick.
  func discover(at seconds: Double) {
    switch discovery {
    case .cgroup:
      guard let pids = procs?.withContents({ bytes -> [Int32] in
        var pids: [Int32] = []
        ProcChildren.parse(bytes, into: &pids)
        return pids
      }) else { return }
      for pid in pids where byPid[pid] == nil { adopt(pid, parent: nil, at: seconds) }
    case .descendants(let pid):
      var found: [(pid: Int32, parent: Int32)] = []
      if let root = byPid[pid] {
        guard root.isRunning else { return }
      } else if let origin {
        // The supervisor's own children: exec's command, and the orphans it adopts as their subreaper.
        // Both reach its main thread's list: the command was forked there, and the kernel hands
        // orphans to the first live thread of the reaper, its main thread.
        var pids: [Int32] = []
        origin.read(threads: 1, into: &pids)
        found = pids.map { ($0, pid) }
      }
      var queue = members.filter(\.isRunning).map(\.pid)
      var index = 0
      var queued = Set(queue)
      for (child, parent) in found where byPid[child] == nil {
        if adopt(child, parent: parent, at: seconds) != nil, queued.insert(child).inserted { queue.append(child) }
      }
      while index < queue.count {
        let parent = queue[index]
        index += 1
        guard let member = byPid[parent], member.isRunning else { continue }
        var pids: [Int32] = []
        member.children.read(threads: member.threads, into: &pids)
        for child in pids where byPid[child] == nil {
          if adopt(child, parent: parent, at: seconds) != nil, queued.insert(child).inserted { queue.append(child) }
        }
      }
    }
  }

  /// Records the wait status of a process oomlab reaped; one never sampled only counts as unseen.
  func reaped(_ pid: Int32, status: Int32, at seconds: Double) {
    guard let member = byPid[pid] else {
      unseen += 1
      return
    }
    member.waitStatus = member.waitStatus ?? status
    if member.endedAt == nil { member.endedAt = seconds }
  }

  /// Samples every running process and returns their rows; a process its pidfd shows gone is marked ended,
  /// with its exit status when it is still a zombie. `fill` adds what the supervisor knows beside /proc.
  func sample(at seconds: Double, now: UInt64, forceRollup: Bool, fill: (inout Sample, TreeMember) -> Void) -> [Sample] {
    var samples: [Sample] = []
    var total: UInt64 = 0
    let unixTime = Clock.unixSeconds()
    for member in members where member.isRunning {
      var sample = Sample()
      sample.seconds = seconds
      sample.unixTime = unixTime
      sample.pid = member.pid
      sample.step = ""
      guard member.probe.read(into: &sample, now: now, forceRollup: forceRollup) else {
        // A read fails for a zombie, but also for a process without memory of its own: its pidfd says which.
        if member.hasExited {
          member.endedAt = seconds
          if member.waitStatus == nil { member.waitStatus = member.probe.exitStatus() }
        }
        continue
      }
      sample.process = member.name
      // The stat read fails when the process ends between it and the status read: its parent is still known.
      if let parent = sample.parentPid { member.parentPid = parent } else { sample.parentPid = member.parentPid }
      member.threads = sample.status?.threads ?? member.threads
      fill(&sample, member)
      member.peaks.update(sample)
      member.lastSample = sample
      total += sample.status?.rss ?? 0
      samples.append(sample)
    }
    if total > peakTotalRss {
      peakTotalRss = total
      peakTotalAt = seconds
    }
    return samples
  }
}
