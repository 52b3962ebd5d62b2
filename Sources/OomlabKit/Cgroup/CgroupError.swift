import Glibc

/// A cgroup operation that cannot be done here, with the paths and file contents that show why.
package enum CgroupError: Error, Equatable, CustomStringConvertible {
  /// No mounted hierarchy offers the memory controller; the text lists what was found instead.
  case noMemoryHierarchy(found: String)
  /// This process's cgroup lies outside the part of the hierarchy that is mounted.
  case notVisible(cgroupPath: String, mountPoint: String, mountRoot: String)
  /// A v2 parent cannot hand the memory controller to children: its parent did not delegate it.
  case controllerUnavailable(parent: String, controllers: String)
  /// A v2 parent holds processes, so the kernel refuses to enable controllers in it.
  case internalProcesses(parent: String, count: Int)
  /// A v2 parent's cgroup.subtree_control cannot be written, so memory cannot be handed to children.
  case subtreeControlNotWritable(parent: String, errno: Int32)
  /// A file only cgroup v2 has was asked for on a v1 hierarchy.
  case needsVersion2(directory: String, file: String)
  /// mkdir of a child cgroup failed.
  case cannotCreate(parent: String, errno: Int32)
  /// A new cgroup could not be opened or flock(2)ed, so other runs could not tell it is in use.
  case cannotLock(path: String, errno: Int32)
  /// rmdir kept failing after the processes were killed.
  case cannotRemove(path: String, errno: Int32, attempts: Int)
  /// The cgroup to remove holds this very process, which cannot kill itself to empty it.
  case holdsThisProcess(path: String)

  package var description: String {
    switch self {
    case .noMemoryHierarchy(let found):
      return "no cgroup hierarchy with the memory controller is mounted: \(found)"
    case .notVisible(let path, let mountPoint, let root):
      return "this process's cgroup \"\(path)\" is outside the part \"\(root)\" of the hierarchy mounted at \(mountPoint)"
    case .controllerUnavailable(let parent, let controllers):
      return "cannot use the memory controller under \(parent): its cgroup.controllers is \"\(controllers)\", "
        + "so the parent cgroup does not delegate memory; enable it there (echo +memory > cgroup.subtree_control) "
        + "or run from a delegated cgroup"
    case .internalProcesses(let parent, let count):
      return "cannot enable the memory controller in \(parent): it holds \(count) process"
        + (count == 1 ? "" : "es")
        + " (cgroup.procs), and cgroup v2 enables controllers only in cgroups without processes "
        + "(the no-internal-processes rule); run oomlab from a cgroup whose cgroup.subtree_control already has memory"
    case .subtreeControlNotWritable(let parent, let code):
      return "cannot enable the memory controller in \(parent): cgroup.subtree_control is not writable: "
        + "\(ErrnoName.explain(code)); run as root or delegate the cgroup"
    case .needsVersion2(let directory, let file):
      return "\(file) needs cgroup v2, and \(directory) is on a cgroup v1 hierarchy"
    case .cannotCreate(let parent, let code):
      var text = "cannot create a cgroup under \(parent): \(ErrnoName.explain(code))"
      if code == EROFS {
        text += "; the cgroup filesystem is mounted read-only, as in most containers"
      } else if code == EACCES || code == EPERM {
        text += "; run as root or delegate the cgroup"
      }
      return text
    case .cannotLock(let path, let code):
      return "cannot lock the new cgroup \(path): \(ErrnoName.explain(code))"
    case .cannotRemove(let path, let code, let attempts):
      return "cannot remove the cgroup \(path) after \(attempts) attempt" + (attempts == 1 ? "" : "s")
        + ": \(ErrnoName.explain(code))"
    case .holdsThisProcess(let path):
      return "cannot remove the cgroup \(path): oomlab itself (pid \(getpid())) was moved into it, so it is left in place"
    }
  }
}
