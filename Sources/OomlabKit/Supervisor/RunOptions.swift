/// What `oomlab run` was asked to do, with command-line overrides already applied.
package struct RunOptions {
  /// The validated scenario.
  package var scenario: Scenario
  /// The sampling interval in nanoseconds.
  package var interval: UInt64 = 100_000_000
  /// The CSV, opened and checked before anything runs; its header is written when the run starts.
  package var csv: CSVWriter
  /// Where the CSV goes (the name chosen, when it was generated); `-` is standard output.
  package var csvPath: String { csv.path }
  /// Where the JSON summary goes, if anywhere.
  package var summaryPath: String?
  /// How long the run may take, in nanoseconds, before its workers are killed; nil for ever.
  package var timeout: UInt64?
  /// The memory limit in bytes, nil for none.
  package var limit: UInt64?
  /// The managed heap's limit in bytes (`--heap-limit`, else `heap-limit:`, else V8's 64-bit default).
  package var heapLimit: UInt64 = ManagedHeap.defaultLimit
  /// The settings given as a share of `limit`, like `heap-limit 75%`, which another limit would change.
  package var limitShares: [String] = []
  /// Whether the OOM killer takes all workers together (`memory.oom.group`).
  package var oomGroup = false
  /// How the limit is enforced when no cgroup can be created.
  package var enforce: EnforceMode = .auto
  /// Variables added to the worker's environment (allocator preloading and tuning).
  package var workerEnvironment: [String: String] = [:]
  /// The allocator library preloaded into the workers, if any.
  package var preloaded: String?
  /// The allocator serving the workers.
  package var allocator: AllocatorChoice = .glibc
  /// Allocator tuning passed to the workers, recorded in the summary.
  package var tuning: [String: String] = [:]
  /// The binary to re-execute as the worker.
  package var executable: String?
  /// The live status line, drawn at the ticks when it is enabled.
  package var statusLine: StatusLine?

  /// Creates options for a scenario recorded to `csv`.
  package init(scenario: Scenario, csv: CSVWriter) {
    self.scenario = scenario
    self.csv = csv
  }

  /// What the worker running `process` is told: the one place a worker's instructions are built.
  func contract(for process: ProcessSpec, supervisor: Int32) -> WorkerContract {
    WorkerContract(
      scenarioText: scenario.source, scenarioFile: scenario.file, processName: process.name, supervisorPID: supervisor,
      limit: limit, allocator: allocator, preloaded: preloaded, interval: interval, heapLimit: heapLimit)
  }
}
