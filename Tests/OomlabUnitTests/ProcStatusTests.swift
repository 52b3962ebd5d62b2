import Testing

@testable import OomlabKit

@Suite struct ProcStatusTests {
  /// /proc/PID/status of a multi-threaded process on Linux 6.x, tabs and all.
  static let sample = """
    Name:\tnode
    Umask:\t0022
    State:\tS (sleeping)
    Tgid:\t6369
    Ngid:\t0
    Pid:\t6369
    PPid:\t6367
    TracerPid:\t0
    Uid:\t1000\t1000\t1000\t1000
    Gid:\t1000\t1000\t1000\t1000
    FDSize:\t256
    Groups:\t4 24 27
    NStgid:\t6369
    NSpid:\t6369
    NSpgid:\t6367
    NSsid:\t4092
    Kthread:\t0
    VmPeak:\t 1283460 kB
    VmSize:\t 1218004 kB
    VmLck:\t       0 kB
    VmPin:\t       0 kB
    VmHWM:\t  412876 kB
    VmRSS:\t  398212 kB
    RssAnon:\t  351004 kB
    RssFile:\t   47196 kB
    RssShmem:\t      12 kB
    VmData:\t  612340 kB
    VmStk:\t     132 kB
    VmExe:\t   79232 kB
    VmLib:\t    5528 kB
    VmPTE:\t    1944 kB
    VmSwap:\t    2048 kB
    HugetlbPages:\t       0 kB
    CoreDumping:\t0
    THP_enabled:\t1
    untag_mask:\t0xffffffffffffffff
    Threads:\t11
    SigQ:\t0/96365
    SigPnd:\t0000000000000000
    ShdPnd:\t0000000000000000
    SigBlk:\t0000000000000000
    SigIgn:\t0000000001001000
    SigCgt:\t0000000108004602
    CapInh:\t0000000000000000
    CapPrm:\t0000000000000000
    CapEff:\t0000000000000000
    CapBnd:\t000001ffffffffff
    CapAmb:\t0000000000000000
    NoNewPrivs:\t0
    Seccomp:\t0
    Seccomp_filters:\t0
    Speculation_Store_Bypass:\tvulnerable
    SpeculationIndirectBranch:\talways enabled
    Cpus_allowed:\t3
    Cpus_allowed_list:\t0-1
    Mems_allowed:\t00000000,00000001
    Mems_allowed_list:\t0
    voluntary_ctxt_switches:\t1520
    nonvoluntary_ctxt_switches:\t87

    """

  @Test func readsTheMemoryFiguresInBytes() {
    let status = ProcStatus.parse(Self.sample)
    #expect(status.rss == 398_212 * 1024)
    #expect(status.rssAnon == 351_004 * 1024)
    #expect(status.rssFile == 47_196 * 1024)
    #expect(status.rssShmem == 12 * 1024)
    #expect(status.vms == 1_218_004 * 1024)
    #expect(status.hwm == 412_876 * 1024)
    #expect(status.data == 612_340 * 1024)
    #expect(status.pte == 1944 * 1024)
    #expect(status.swap == 2048 * 1024)
  }

  @Test func threadsIsACountNotKilobytes() {
    #expect(ProcStatus.parse(Self.sample).threads == 11)
  }

  @Test func rssIsTheSumOfItsParts() {
    let status = ProcStatus.parse(Self.sample)
    #expect(status.rss == status.rssAnon + status.rssFile + status.rssShmem)
  }

  @Test func rawBytesParseLikeText() {
    var copy = Self.sample
    let fromBytes = copy.withUTF8 { ProcStatus.parse(UnsafeRawBufferPointer($0)) }
    #expect(fromBytes == ProcStatus.parse(Self.sample))
  }

  @Test func aKernelThreadHasNoMemoryLines() {
    // Kernel threads' status has no Vm* or Rss* lines at all.
    let status = ProcStatus.parse("Name:\tkworker/0:1\nState:\tI (idle)\nPid:\t42\nThreads:\t1\n")
    var expected = ProcStatus()
    expected.threads = 1
    #expect(status == expected)
  }

  @Test func emptyOrGarbageTextGivesZeroes() {
    #expect(ProcStatus.parse("") == ProcStatus())
    #expect(ProcStatus.parse("no colons here\nVmRSS\t1 kB\nVmRSS:\tlots kB\n") == ProcStatus())
  }

  @Test func lastLineWithoutANewlineIsRead() {
    let status = ProcStatus.parse("VmSize:\t    3060 kB\nVmRSS:\t    1612 kB")
    #expect(status.vms == 3060 * 1024)
    #expect(status.rss == 1612 * 1024)
  }

  @Test func keysMatchExactly() {
    // VmRSS must not be confused with the similarly named lines around it.
    let status = ProcStatus.parse("VmRSSx:\t1 kB\nxVmRSS:\t2 kB\nVmRSS:\t3 kB\nRssAnonX:\t4 kB\n")
    #expect(status.rss == 3 * 1024)
    #expect(status.rssAnon == 0)
  }

  @Test func aValueWithoutKBIsTakenAsIs() {
    let status = ProcStatus.parse("VmRSS:\t4096\n")
    #expect(status.rss == 4096)
  }
}
