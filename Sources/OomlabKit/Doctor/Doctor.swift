import COomlabShim
import Foundation
import Glibc

/// Inspects the machine for what oomlab's features need: cgroups, kernel log, THP, overcommit, allocators.
package enum Doctor {
  /// Runs every check and returns one line each.
  package static func checks(environment: [String: String] = ProcessInfo.processInfo.environment) -> [DoctorCheck] {
    var lines: [DoctorCheck] = []
    let locator = CgroupLocator(mountInfoPath: environment["OOMLAB_MOUNTINFO"] ?? "/proc/self/mountinfo")
    do {
      let hierarchy = try locator.locate()
      lines.append(
        DoctorCheck(
          subject: "memory cgroup", finding: "\(hierarchy.version) at \(hierarchy.ownDirectory)",
          source: "/proc/self/mountinfo, /proc/self/cgroup", ok: true))
      switch CgroupLocator.canCreateChild(in: hierarchy) {
      case .ok:
        lines.append(
          DoctorCheck(
            subject: "--memory-limit", finding: "a child cgroup can be created", source: hierarchy.ownDirectory,
            ok: true))
      case .denied(let reason):
        let container = ContainerLimit.find(in: hierarchy)
        lines.append(
          DoctorCheck(
            subject: "--memory-limit",
            finding: reason
              + (container.map { "; the container's limit of \(ByteSize.format($0.limit)) can be used instead" } ?? ""),
            source: hierarchy.ownDirectory, ok: false))
      }
    } catch {
      lines.append(DoctorCheck(subject: "memory cgroup", finding: "\(error)", source: "/proc/self/mountinfo", ok: false))
    }
    let kmsg = KernelLog() != nil
    lines.append(
      DoctorCheck(
        subject: "kernel OOM reports",
        finding: kmsg ? "readable: oom-kill outcomes quote the kernel's line"
          : "not readable: oom-kill is confirmed by the cgroup counter alone",
        source: "/dev/kmsg", ok: kmsg))
    let thp = (try? FileIO.read("/sys/kernel/mm/transparent_hugepage/enabled")).flatMap(bracketed) ?? "unknown"
    lines.append(
      DoctorCheck(
        subject: "transparent huge pages", finding: thp + (thp == "never" ? ": advise: hugepage has no effect" : ""),
        source: "/sys/kernel/mm/transparent_hugepage/enabled", ok: thp != "never"))
    let overcommit = (try? FileIO.read("/proc/sys/vm/overcommit_memory"))?.trimmingSpaces().filter { $0 != "\n" } ?? "?"
    let meanings = ["0": "heuristic", "1": "always", "2": "strict: untouched reservations count against the commit limit"]
    lines.append(
      DoctorCheck(
        subject: "overcommit", finding: "\(overcommit) (\(meanings[overcommit] ?? "unknown"))",
        source: "/proc/sys/vm/overcommit_memory", ok: true))
    let lower = canLowerOomScoreAdj()
    lines.append(
      DoctorCheck(
        subject: "negative oom_score_adj",
        finding: lower ? "allowed (CAP_SYS_RESOURCE)" : "not allowed: no CAP_SYS_RESOURCE, only raising works",
        source: "/proc/self/status CapEff", ok: lower))
    lines += execChecks(environment: environment)
    do {
      let path = try AllocatorLocator.resolve(.jemalloc, environment: environment)
      lines.append(DoctorCheck(subject: "jemalloc", finding: path ?? "?", source: "ldconfig -p, library directories", ok: true))
    } catch {
      lines.append(DoctorCheck(subject: "jemalloc", finding: "\(error)", source: "ldconfig -p, library directories", ok: false))
    }
    return lines
  }

  /// What `exec` and `attach` need: pidfds, the children files of /proc, and node for Node's heap figures.
  static func execChecks(environment: [String: String]) -> [DoctorCheck] {
    var lines: [DoctorCheck] = []
    let pidfd = oomlab_pidfd_open(getpid())
    let pidfdError = errno
    if pidfd >= 0 { close(pidfd) }
    lines.append(
      DoctorCheck(
        subject: "pidfd", finding: pidfd >= 0
          ? "supported: attach sees a process end, exec signals only processes of its tree"
          : "pidfd_open failed: \(ErrnoName.explain(pidfdError)) (Linux 5.3 or later is needed): exec and attach cannot run",
        source: "pidfd_open(2)", ok: pidfd >= 0))
    let children = "/proc/\(getpid())/task/\(getpid())/children"
    let hasChildren = FileIO.exists(children)
    lines.append(
      DoctorCheck(
        subject: "process tree",
        finding: hasChildren
          ? "children files readable: exec and attach follow every process a command starts"
          : "no children files (a kernel without CONFIG_PROC_CHILDREN): exec follows its tree only inside a cgroup (--memory-limit), attach sees one process",
        source: "/proc/PID/task/TID/children", ok: hasChildren))
    if let node = try? CommandPath.resolve("node", path: environment["PATH"]) {
      let version = (try? Command.output(node, ["--version"]))?.trimmingSpaces().filter { $0 != "\n" } ?? "version unknown"
      lines.append(
        DoctorCheck(
          subject: "node", finding: "\(version) at \(node): exec collects Node's heap figures", source: "PATH", ok: true))
    } else {
      lines.append(
        DoctorCheck(
          subject: "node", finding: "not on PATH: exec runs other programs, Node's heap figures need node (apt-get install nodejs)",
          source: "PATH", ok: false))
    }
    return lines
  }

  /// The word in brackets, as sysfs marks the selected mode: `always [madvise] never`.
  package static func bracketed(_ text: String) -> String? {
    guard let open = text.firstIndex(of: "["), let close = text.firstIndex(of: "]"), open < close else { return nil }
    return String(text[text.index(after: open)..<close])
  }

  /// Whether this process holds CAP_SYS_RESOURCE (bit 24 of CapEff), needed to lower oom_score_adj.
  package static func canLowerOomScoreAdj() -> Bool {
    guard let status = try? FileIO.read("/proc/self/status"),
      let line = status.split(separator: "\n").first(where: { $0.hasPrefix("CapEff:") }),
      let caps = UInt64(line.split(separator: "\t").last.map(String.init)?.trimmingSpaces() ?? "", radix: 16)
    else { return false }
    return caps & (1 << 24) != 0
  }
}
