/// The environment that puts an allocator and its tuning into a started program: `run`'s workers and `exec`'s command.
struct AllocatorSetup {
  /// Variables to add to the program's environment (LD_PRELOAD, MALLOC_CONF, GLIBC_TUNABLES).
  var environment: [String: String] = [:]
  /// The library preloaded, nil for glibc.
  var preloaded: String?
  /// The tuning asked for, for the summary.
  var tuning: [String: String] = [:]

  /// Locates `choice` and checks that the tuning belongs to it; refusals carry their exit status.
  static func make(_ choice: AllocatorChoice, mallocConf: String?, arenaMax: Int?, environment: [String: String]) throws
    -> AllocatorSetup
  {
    var setup = AllocatorSetup()
    do {
      setup.preloaded = try AllocatorLocator.resolve(choice, environment: environment)
    } catch {
      throw RunRefusal(status: .environment, description: "\(error)")
    }
    if let preload = setup.preloaded {
      // Preloads the caller already asked for stay, after ours.
      let existing = environment["LD_PRELOAD"].map { " " + $0 } ?? ""
      setup.environment["LD_PRELOAD"] = preload + existing
    }
    if let conf = mallocConf {
      guard choice == .jemalloc else {
        throw RunRefusal(status: .badInput, description: "malloc-conf \"\(conf)\" is jemalloc's; the allocator is \(choice)")
      }
      setup.environment["MALLOC_CONF"] = conf
      setup.tuning["malloc_conf"] = conf
    }
    if let arenas = arenaMax {
      guard choice == .glibc else {
        throw RunRefusal(status: .badInput, description: "arena-max \(arenas) is glibc's; the allocator is \(choice)")
      }
      let existing = environment["GLIBC_TUNABLES"].map { $0 + ":" } ?? ""
      setup.environment["GLIBC_TUNABLES"] = existing + "glibc.malloc.arena_max=\(arenas)"
      setup.tuning["arena_max"] = "\(arenas)"
    }
    return setup
  }
}
