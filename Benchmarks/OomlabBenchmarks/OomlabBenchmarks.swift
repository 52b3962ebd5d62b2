import Benchmark
import OomlabTick

// The per-tick hot path of the supervisor, against a live child process.
//
// One iteration is one tick. Thresholds: the p90 figures kept in Benchmarks/Thresholds (written by
// `scripts/bench.sh --update-thresholds`), with the tolerances below. Only the malloc count is kept
// there: wall clock is shown for information, since this machine is shared and noisy, and
// instruction counts come from callgrind in scripts/bench.sh because this VM has no hardware
// counters (package-benchmark's `.instructions` would read 0).
let benchmarks: @Sendable () -> Void = {
  Benchmark.defaultConfiguration = .init(
    metrics: [.wallClock, .mallocCountTotal],
    timeUnits: .microseconds,
    warmupIterations: 100,
    maxDuration: .seconds(3),
    maxIterations: 20_000,
    // Against the same idle child every tick writes the same cells, so its malloc count is exact:
    // one more is a regression.
    thresholds: [.mallocCountTotal: .init(absolute: [.p90: 0])]
  )

  // Set up when the benchmark starts rather than when it is registered, so `list` starts no process.
  nonisolated(unsafe) var rig: TickRig?
  func start() throws { rig = try TickRig() }
  func stop() {
    rig?.stop()
    rig = nil
  }

  Benchmark("tick") { benchmark in
    guard let rig else { fatalError("the rig is not set up") }
    for _ in benchmark.scaledIterations where !tick(rig, forceRollup: false) { fatalError("the probed child is gone") }
  } setup: {
    try start()
  } teardown: {
    stop()
  }

  Benchmark("tick with smaps_rollup") { benchmark in
    guard let rig else { fatalError("the rig is not set up") }
    for _ in benchmark.scaledIterations where !tick(rig, forceRollup: true) { fatalError("the probed child is gone") }
  } setup: {
    try start()
  } teardown: {
    stop()
  }
}
