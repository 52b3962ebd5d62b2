/// The rule of a simulated limit, for run and exec alike: the processes share one limit, as in a cgroup.
enum SimulatedLimit {
  /// The pid to kill, the largest of `samples` by RSS, once their RSS summed reaches `limit`; nil below it.
  ///
  /// `samples` holds the latest reading of each process still running.
  static func victim(of samples: [Sample], limit: UInt64) -> Int32? {
    let total = samples.reduce(UInt64(0)) { $0 + ($1.status?.rss ?? 0) }
    guard total >= limit else { return nil }
    return samples.max { ($0.status?.rss ?? 0) < ($1.status?.rss ?? 0) }?.pid
  }
}
