import Testing

@testable import OomlabKit

@Suite struct SmapsRollupTests {
  /// /proc/PID/smaps_rollup of a process with transparent huge pages, Linux 6.x.
  static let sample = """
    5566aeb25000-7fff5c0d2000 ---p 00000000 00:00 0                          [rollup]
    Rss:              398212 kB
    Pss:              371530 kB
    Pss_Dirty:        351210 kB
    Pss_Anon:         351004 kB
    Pss_File:          20514 kB
    Pss_Shmem:            12 kB
    Shared_Clean:      29312 kB
    Shared_Dirty:          8 kB
    Private_Clean:     17884 kB
    Private_Dirty:    351008 kB
    Referenced:       398100 kB
    Anonymous:        351004 kB
    KSM:                   0 kB
    LazyFree:              0 kB
    AnonHugePages:    262144 kB
    ShmemPmdMapped:        0 kB
    FilePmdMapped:         0 kB
    Shared_Hugetlb:        0 kB
    Private_Hugetlb:       0 kB
    Swap:               2048 kB
    SwapPss:            2048 kB
    Locked:                0 kB

    """

  @Test func readsPssAndAnonHugePagesInBytes() {
    let rollup = SmapsRollup.parse(Self.sample)
    #expect(rollup.pss == 371_530 * 1024)
    #expect(rollup.anonHuge == 262_144 * 1024)
    #expect(rollup.pssAnon == 351_004 * 1024)
  }

  @Test func theSimilarlyNamedPssLinesDoNotOverwritePss() {
    // Pss_Dirty, Pss_Anon, Pss_File, Pss_Shmem and SwapPss all come after Pss.
    let rollup = SmapsRollup.parse(Self.sample)
    #expect(rollup.pss != 351_210 * 1024)
    #expect(rollup.pss != 2048 * 1024)
    #expect(rollup.pss == 371_530 * 1024)
  }

  @Test func realRollupWithoutHugePages() {
    let text = """
      5566aeb25000-7fff5c0d2000 ---p 00000000 00:00 0                          [rollup]
      Rss:                1736 kB
      Pss:                 291 kB
      Pss_Dirty:           112 kB
      Pss_Anon:            112 kB
      Pss_File:            179 kB
      Pss_Shmem:             0 kB
      Shared_Clean:       1580 kB
      Shared_Dirty:          0 kB
      Private_Clean:        44 kB
      Private_Dirty:       112 kB
      Referenced:         1736 kB
      Anonymous:           112 kB
      KSM:                   0 kB
      LazyFree:              0 kB
      AnonHugePages:         0 kB
      ShmemPmdMapped:        0 kB
      FilePmdMapped:         0 kB
      Shared_Hugetlb:        0 kB
      Private_Hugetlb:       0 kB
      Swap:                  0 kB
      SwapPss:               0 kB
      Locked:                0 kB

      """
    let rollup = SmapsRollup.parse(text)
    #expect(rollup.pss == 291 * 1024)
    #expect(rollup.anonHuge == 0)
  }

  @Test func rawBytesParseLikeText() {
    var copy = Self.sample
    let fromBytes = copy.withUTF8 { SmapsRollup.parse(UnsafeRawBufferPointer($0)) }
    #expect(fromBytes == SmapsRollup.parse(Self.sample))
  }

  @Test func aKernelWithoutPssAnonLeavesItUnknownNotZero() {
    // Linux 5.4's rollup has Pss but none of its components.
    let rollup = SmapsRollup.parse("Rss:  1736 kB\nPss:  291 kB\nAnonymous:  112 kB\nAnonHugePages:  0 kB\n")
    #expect(rollup.pss == 291 * 1024)
    #expect(rollup.pssAnon == nil)
  }

  @Test func emptyTextGivesZeroes() {
    #expect(SmapsRollup.parse("") == SmapsRollup())
  }

  @Test func theHeaderLineAloneGivesZeroes() {
    // The header's "00:00" has a colon, and must not be read as a figure.
    let header = "5566aeb25000-7fff5c0d2000 ---p 00000000 00:00 0                          [rollup]\n"
    #expect(SmapsRollup.parse(header) == SmapsRollup())
  }
}
