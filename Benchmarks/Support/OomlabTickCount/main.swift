import Glibc
import OomlabTick

// Runs COUNT supervisor ticks against a live child, for `valgrind --tool=callgrind`:
// scripts/bench.sh counts only the instructions inside `measuredTicks` (--toggle-collect) and
// divides by COUNT. package-benchmark's own runner cannot be used for this: valgrind 3.19 crashes
// in libdispatch under its async main.
//
//   OomlabTickCount tick|rollup COUNT

/// Runs `count` ticks; kept out of line so that callgrind can collect inside it alone.
@inline(never)
func measuredTicks(_ rig: TickRig, count: Int, forceRollup: Bool) -> Bool {
  for _ in 0..<count where !tick(rig, forceRollup: forceRollup) { return false }
  return true
}

func fail(_ message: String, status: Int32) -> Never {
  // write(2) on descriptor 2: Glibc's `stderr` is a mutable global, which the Swift 6 mode refuses.
  let text = "OomlabTickCount: \(message)\n"
  _ = text.withCString { write(2, $0, strlen($0)) }
  exit(status)
}

let arguments = CommandLine.arguments
guard arguments.count == 3, ["tick", "rollup"].contains(arguments[1]), let count = Int(arguments[2]), count > 0 else {
  fail("usage: OomlabTickCount tick|rollup COUNT (COUNT a positive integer)", status: 2)
}
let rig: TickRig
do {
  rig = try TickRig()
} catch {
  fail("\(error)", status: 3)
}
let ok = measuredTicks(rig, count: count, forceRollup: arguments[1] == "rollup")
rig.stop()
guard ok else { fail("the probed child \(rig.child.pid) ended during the ticks", status: 1) }
