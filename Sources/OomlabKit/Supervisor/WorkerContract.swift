import COomlabShim
import Foundation
import Glibc

/// Everything one worker is told, built once by the supervisor and handed over whole.
///
/// The worker gets the exact scenario text the supervisor validated, never a path to read again,
/// so a file replaced or gone during start-up (or `run <(cat f.yaml)`) cannot make the worker run
/// something other than what the CSV describes.
package struct WorkerContract: Codable, Equatable, Sendable {
  /// The scenario text as the supervisor read and validated it.
  package var scenarioText: String
  /// The scenario's file name, for messages only.
  package var scenarioFile: String
  /// Which of the scenario's processes this worker runs.
  package var processName: String
  /// The supervisor's pid: the worker stops when its parent is no longer this process.
  package var supervisorPID: Int32
  /// The memory limit in bytes, for shares of it in step sizes; nil for none.
  package var limit: UInt64?
  /// The allocator the supervisor asked for, verified before the first step.
  package var allocator: AllocatorChoice
  /// The library the supervisor preloaded, if any.
  package var preloaded: String?
  /// How often allocator statistics are published, in nanoseconds.
  package var interval: UInt64
  /// The managed heap's limit in bytes.
  package var heapLimit: UInt64

  /// The descriptor number the contract has in the worker.
  package static let descriptor: Int32 = 4

  /// Writes the contract into an anonymous in-memory file and returns its descriptor, rewound.
  func seal() throws -> Int32 {
    let data = try JSONEncoder().encode(self)
    let fd = oomlab_memfd_create("oomlab-contract")
    guard fd >= 0 else { throw SystemError.call("memfd_create", errno) }
    do {
      if let code = FileIO.writeAll(fd, Array(data)).errno { throw SystemError.file("write", "the worker contract", code) }
      guard lseek(fd, 0, SEEK_SET) == 0 else { throw SystemError.call("lseek", errno) }
    } catch {
      close(fd)
      throw error
    }
    return fd
  }

  /// Reads the contract the supervisor left at `descriptor` (the worker's side) and closes it.
  package static func receive(from descriptor: Int32 = WorkerContract.descriptor) throws -> WorkerContract {
    defer { close(descriptor) }
    let bytes = try FileIO.readAll(descriptor, label: "the worker contract")
    return try JSONDecoder().decode(WorkerContract.self, from: Data(bytes))
  }
}
