import Testing

@testable import OomlabKit

/// The simulated limit's rule: one limit for every process, the largest killed.
struct SimulatedLimitRuleTests {
  static func sample(pid: Int32, rss: UInt64) -> Sample {
    var sample = Sample()
    sample.pid = pid
    var status = ProcStatus()
    status.rss = rss
    sample.status = status
    return sample
  }

  @Test func theLargestGoesOnceTheSumReachesTheLimit() {
    let samples = [Self.sample(pid: 1, rss: 30), Self.sample(pid: 2, rss: 50), Self.sample(pid: 3, rss: 20)]
    #expect(SimulatedLimit.victim(of: samples, limit: 100) == 2)
    #expect(SimulatedLimit.victim(of: samples, limit: 101) == nil)
    #expect(SimulatedLimit.victim(of: [], limit: 1) == nil)
  }
}
