/// The supervisor's tick loop, shared by `run`, `exec` and `attach`: it sleeps until each tick in the
/// signal gate, so that SIGCHLD and interrupts end the sleep early, and samples on the tick.
///
/// What a wake-up or a tick means differs between the three (workers, a command's tree, a foreign
/// process), so those are the caller's closures; the pacing is the loop's: ticks keep to a grid of
/// `interval` from the first, and a tick that overran does not cause a burst of catch-up ticks.
struct SamplingLoop {
  /// Nanoseconds between two ticks.
  let interval: UInt64
  /// Where the loop sleeps and learns of signals.
  var gate = SignalGate.shared

  /// Ticks until `proceeding` is false, checked after every wake-up and before every tick.
  ///
  /// - Parameters:
  ///   - proceeding: Whether the loop goes on.
  ///   - wake: The earliest timer of the caller's own (a grace period, a timeout), which ends the sleep too.
  ///   - handle: What ended a sleep: a signal that arrived, or `.timeout` when the sleep ran its course; a
  ///     timer already due when the loop would sleep skips the sleep and `handle`, so `settle` checks timers.
  ///   - settle: What is done after the sleep, before the tick (reaping, checking timers), also when the loop ends.
  ///   - tick: One sample; it runs only while `proceeding` holds.
  func run(
    while proceeding: () -> Bool, wake: () -> UInt64 = { .max }, handle: (SignalGate.Event) -> Void,
    settle: () -> Void, tick: () -> Void
  ) {
    var deadline = Clock.now()
    while proceeding() {
      deadline = Clock.after(interval, from: deadline)
      while proceeding(), case let now = Clock.now(), now < deadline {
        let until = min(deadline, wake())
        guard until > now else { break }
        handle(gate.wait(nanoseconds: until - now))
      }
      settle()
      guard proceeding() else { break }
      tick()
      // A tick that overran (a slow smaps_rollup, a stopped machine) does not cause a burst of catch-up samples.
      if Clock.now() > Clock.after(interval, from: deadline) { deadline = Clock.now() }
    }
  }
}
