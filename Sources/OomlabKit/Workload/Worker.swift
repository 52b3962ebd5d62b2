import COomlabShim
import Foundation
import Glibc

/// The worker process: executes one process's steps and publishes what it holds.
package enum Worker {
  /// Runs the worker from the contract and page the supervisor left at their descriptors; returns its exit code.
  package static func main() -> Int32 {
    // Started through /proc/self/exe, the kernel named it `exe`: ps and the kernel's OOM lines should say oomlab.
    if let path = CommandLine.arguments.first, let name = path.split(separator: "/").last {
      try? FileIO.write("/proc/self/comm", String(name))
    }
    do {
      return run(try WorkerContract.receive(), sharedDescriptor: SharedPage.workerDescriptor)
    } catch {
      report("cannot read the supervisor's instructions: \(error)")
      return WorkerExit.failed.rawValue
    }
  }

  /// Runs the worker and returns its exit code.
  static func run(_ configuration: WorkerContract, sharedDescriptor: Int32) -> Int32 {
    // Die with the supervisor: a worker must never outlive the run that started it.
    oomlab_set_parent_death_signal(SIGKILL)
    guard getppid() == configuration.supervisorPID else { return WorkerExit.supervisorGone.rawValue }
    // A fault, raised inside or sent from outside, ends the worker with that signal: the Swift
    // runtime's backtracer would otherwise catch a SIGSEGV sent by kill(1) and let the worker carry on.
    for fault in [SIGSEGV, SIGBUS, SIGILL, SIGFPE, SIGTRAP] { signal(fault, SIG_DFL) }
    let page: SharedPage
    do {
      page = try SharedPage(descriptor: sharedDescriptor)
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
      let scenario = try ScenarioParser.parse(yaml: configuration.scenarioText, file: configuration.scenarioFile)
      guard let found = scenario.processes.first(where: { $0.name == configuration.processName }) else {
        return fail("no process named \(configuration.processName) in the scenario", .failed, .failed)
      }
      process = found
    } catch {
      return fail("\(error)", .failed, .failed)
    }
    // A baseline of the allocator's figures for the supervisor's first row.
    let publisher = AllocatorStatsPublisher(page: page, interval: configuration.interval)
    if let stats = AllocatorStats.read() { publisher.publish(stats, arenas: stats.arenas) }
    // The heap maps nothing until its first object; published now so the baseline row shows its limit.
    let workload = Workload(
      shared: page, limit: configuration.limit, heapLimit: configuration.heapLimit,
      supervisor: configuration.supervisorPID)
    workload.publishHeap()
    workload.publishAllocatorStats = {
      if let stats = AllocatorStats.read() { publisher.publish(stats, arenas: stats.arenas) }
    }
    page.state = .ready
    wakeSupervisor(configuration)
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
    if let stats = AllocatorStats.read() { publisher.publish(stats, arenas: stats.arenas) }
    page.state = .completed
    wakeSupervisor(configuration)
    // Hold the final state until the supervisor has sampled it, so the CSV's last row shows it;
    // woken above, the supervisor samples at once, whatever its interval.
    while page.load(.acknowledged) == 0 {
      guard getppid() == configuration.supervisorPID else { break }
      Clock.sleep(nanoseconds: 200_000)
    }
    // Kept alive on purpose: Swift may end a value's life at its last use, and the heap's deinit
    // would unmap its chunks while the supervisor can still sample a row after `end`.
    _ = Unmanaged.passRetained(workload)
    return WorkerExit.completed.rawValue
  }

  /// Tells the supervisor the shared page changed state, so it need not wait for its next tick.
  ///
  /// SIGCHLD is what the supervisor already waits for when a worker changes; sending it by hand
  /// reaches the same `sigtimedwait` without a second channel to wait on.
  static func wakeSupervisor(_ configuration: WorkerContract) {
    kill(configuration.supervisorPID, SIGCHLD)
  }

  static func report(_ message: String) {
    // The worker starts with SIGPIPE at its default: a supervisor's stderr whose reader went away
    // (`2>&1 | head`) would otherwise turn the failure being reported into a death by SIGPIPE.
    signal(SIGPIPE, SIG_IGN)
    FileIO.writeToStandardError("oomlab worker: \(message)\n")
  }
}
