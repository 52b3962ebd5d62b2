import COomlabShim
import Glibc
import Synchronization

/// Holds the signals the supervisor handles blocked in every thread and waits for them synchronously.
///
/// The signals are blocked process-wide before any other thread exists (`install()` from the
/// command's entry point), because a signal is delivered to any thread that does not block it:
/// once a thread has started with nothing blocked (attach's exit watch, exec's copy of stderr, one a
/// library starts for itself), a SIGCHLD or SIGINT sent to it would be handled there by default and
/// never reach the loop.
/// Waiting in `sigtimedwait` doubles as the sampling sleep: SIGCHLD ends it at once when a worker
/// changes state, and every catchable terminating signal reaches the loop as an interrupt
/// instead of killing the supervisor between a cgroup's creation and its removal.
final class SignalGate: Sendable {
  /// Signals that end the run cleanly: every asynchronous signal whose default action terminates.
  static let interrupts: [Int32] =
    [SIGHUP, SIGINT, SIGQUIT, SIGTERM, SIGUSR1, SIGUSR2, SIGALRM, SIGVTALRM, SIGPROF, SIGXCPU, SIGXFSZ, SIGIO, SIGPWR,
      SIGSTKFLT] + Array(__libc_current_sigrtmin()...__libc_current_sigrtmax())

  /// `si_code` of a signal the kernel sent itself (`SI_KERNEL`), as for a terminal's Ctrl-C.
  static let fromKernel: Int32 = 0x80

  /// The one gate of this process.
  static let shared = SignalGate()

  private let handled: sigset_t
  /// Whether oomlab was started with SIGPIPE ignored, which a command run by `exec` gets back.
  let sigpipeIgnoredAtStartup: Bool
  /// Whether the last interrupt came from the kernel (a terminal's Ctrl-C reaches its whole
  /// foreground process group that way) rather than from kill(2) aimed at oomlab.
  var lastInterruptFromKernel: Bool { interruptFromKernel.load(ordering: .relaxed) }
  private let interruptFromKernel = Atomic(false)

  private init() {
    var handled = sigset_t()
    sigemptyset(&handled)
    for signal in Self.interrupts + [SIGCHLD] { sigaddset(&handled, signal) }
    pthread_sigmask(SIG_BLOCK, &handled, nil)
    self.handled = handled
    sigpipeIgnoredAtStartup = oomlab_signal_ignored(SIGPIPE) != 0
    // A closed reader of the CSV (`| head`) must become a write error the run reports, not a death.
    signal(SIGPIPE, SIG_IGN)
  }

  /// Blocks the handled signals in the calling thread and every thread started after it; idempotent.
  static func install() { _ = shared }

  /// What ended a wait.
  enum Event: Equatable {
    case timeout
    case childChanged
    case interrupt(Int32)
  }

  /// Waits up to `nanoseconds` for a handled signal.
  func wait(nanoseconds: UInt64) -> Event {
    var timeout = timespec(tv_sec: Int(nanoseconds / 1_000_000_000), tv_nsec: Int(nanoseconds % 1_000_000_000))
    var info = siginfo_t()
    var handled = self.handled
    let signal = sigtimedwait(&handled, &info, &timeout)
    if signal == SIGCHLD { return .childChanged }
    if signal > 0 {
      interruptFromKernel.store(info.si_code == Self.fromKernel, ordering: .relaxed)
      return .interrupt(signal)
    }
    return .timeout
  }

  /// A pending interrupt taken without waiting, so a loop of runs can stop between two of them.
  func pendingInterrupt() -> Int32? {
    var interrupts = sigset_t()
    sigemptyset(&interrupts)
    for signal in Self.interrupts { sigaddset(&interrupts, signal) }
    var timeout = timespec(tv_sec: 0, tv_nsec: 0)
    var info = siginfo_t()
    let signal = sigtimedwait(&interrupts, &info, &timeout)
    return signal > 0 ? signal : nil
  }
}
