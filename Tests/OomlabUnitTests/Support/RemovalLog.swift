import Foundation
import Glibc

@testable import OomlabKit
import Synchronization

/// Records what a `CgroupRemover` did instead of killing and removing for real.
final class RemovalLog: Sendable {
  private struct State {
    var signals: [(pid: Int32, signal: Int32)] = []
    var rmdirs: [String] = []
    /// Errnos to return from the next rmdir calls, in order, before removing for real.
    var failures: [Int32]
  }

  private let state: Mutex<State>

  init(failures: [Int32] = []) { state = Mutex(State(failures: failures)) }

  var signals: [(pid: Int32, signal: Int32)] { state.withLock { $0.signals } }
  var rmdirs: [String] { state.withLock { $0.rmdirs } }

  /// A remover that logs signals and removes fake directories with their files.
  var remover: CgroupRemover {
    CgroupRemover(
      signal: { pid, signal, _ in
        self.state.withLock { $0.signals.append((pid, signal)) }
        return 0
      },
      removeDirectory: { path in
        let failure: Int32? = self.state.withLock {
          $0.rmdirs.append(path)
          return $0.failures.isEmpty ? nil : $0.failures.removeFirst()
        }
        if let failure { return failure }
        guard FileManager.default.fileExists(atPath: path) else { return ENOENT }
        return (try? FileManager.default.removeItem(atPath: path)) != nil ? 0 : EIO
      },
      pause: { _ in }, settleTimeout: 0, attempts: 5)
  }
}
