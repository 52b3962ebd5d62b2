import COomlabShim
import Foundation
import Glibc

/// What the supervisor tells a worker on its command line.
public struct WorkerConfiguration {
  public var scenarioPath: String
  public var processName: String
  public var sharedDescriptor: Int32
  public var supervisorPID: Int32
  public var limit: UInt64?
  /// The allocator the supervisor asked for, verified before the first step.
  public var allocator: AllocatorChoice = .glibc
  /// The library the supervisor preloaded, if any.
  public var preloaded: String?
  /// How often allocator statistics are published, in nanoseconds.
  public var interval: UInt64 = 100_000_000
  /// The managed heap's limit in bytes.
  public var heapLimit: UInt64 = ManagedHeap.defaultLimit

  /// Creates a worker configuration.
  public init(scenarioPath: String, processName: String, sharedDescriptor: Int32, supervisorPID: Int32, limit: UInt64?) {
    self.scenarioPath = scenarioPath
    self.processName = processName
    self.sharedDescriptor = sharedDescriptor
    self.supervisorPID = supervisorPID
    self.limit = limit
  }
}

/// The worker process: executes one process's steps and publishes what it holds.
public enum Worker {
  /// Runs the worker and returns its exit code.
  public static func run(_ configuration: WorkerConfiguration) -> Int32 {
    // Die with the supervisor: a worker must never outlive the run that started it.
    oomlab_set_parent_death_signal(SIGKILL)
    guard getppid() == configuration.supervisorPID else { return WorkerExit.supervisorGone.rawValue }
    let page: SharedPage
    do {
      page = try SharedPage(descriptor: configuration.sharedDescriptor)
    } catch {
      report("cannot map the shared page: \(error)")
      return WorkerExit.failed.rawValue
    }
    func fail(_ message: String, _ state: WorkerState, _ code: WorkerExit) -> Int32 {
      page.storeMessage(message)
      page.state = state
      report(message)
      return code.rawValue
    }
    do {
      try AllocatorIdentity.current().verify(
        configuration.allocator, preloaded: configuration.preloaded,
        mallocConf: ProcessInfo.processInfo.environment["MALLOC_CONF"])
    } catch {
      return fail("\(error)", .failed, .failed)
    }
    let process: ProcessSpec
    do {
      let scenario = try ScenarioLoader.load(configuration.scenarioPath)
      guard let found = scenario.processes.first(where: { $0.name == configuration.processName }) else {
        return fail("no process named \(configuration.processName) in the scenario", .failed, .failed)
      }
      process = found
    } catch {
      return fail("\(error)", .failed, .failed)
    }
    // A baseline of the allocator's figures for the supervisor's first row.
    let publisher = AllocatorStatsPublisher(page: page, interval: configuration.interval)
    if let stats = AllocatorStats.read(countArenas: true) { publisher.publish(stats, arenas: stats.arenas) }
    // The heap maps nothing until its first object; published now so the baseline row shows its limit.
    let workload = Workload(shared: page, limit: configuration.limit, heapLimit: configuration.heapLimit)
    workload.publishHeap()
    page.state = .ready
    while page.load(.go) == 0 {
      guard getppid() == configuration.supervisorPID else { return WorkerExit.supervisorGone.rawValue }
      Clock.sleep(nanoseconds: 200_000)
    }
    page.state = .running
    publisher.start()
    do {
      if let adj = process.oomScoreAdj { try OomScoreAdj(value: adj).run(workload) }
      try workload.run(process.steps)
    } catch let error as HeapOutOfMemory {
      workload.publishHeap()
      abortOutOfHeap(error, page: page)
    } catch WorkloadError.allocationFailed(let what) {
      return fail("allocation failed: \(what)", .allocationFailed, .allocationFailed)
    } catch {
      return fail("\(error)", .failed, .failed)
    }
    // The final row must show the allocator as the last step left it, not as the last tick saw it.
    if let stats = AllocatorStats.read(countArenas: true) { publisher.publish(stats, arenas: stats.arenas) }
    page.state = .completed
    // Hold the final state until the supervisor has sampled it, so the CSV's last row shows it.
    let deadline = Clock.now() + 10_000_000_000
    while page.load(.acknowledged) == 0 && Clock.now() < deadline {
      guard getppid() == configuration.supervisorPID else { break }
      Clock.sleep(nanoseconds: 200_000)
    }
    // Kept alive on purpose: Swift may end a value's life at its last use, and the heap's deinit
    // would unmap its chunks while the supervisor can still sample a row after `end`.
    _ = Unmanaged.passRetained(workload)
    return WorkerExit.completed.rawValue
  }

  static func report(_ message: String) {
    FileHandle.standardError.write(Data("oomlab worker: \(message)\n".utf8))
  }
}
