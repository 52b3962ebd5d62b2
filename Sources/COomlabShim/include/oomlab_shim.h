#ifndef OOMLAB_SHIM_H
#define OOMLAB_SHIM_H

#include <stddef.h>
#include <stdint.h>

/// Atomically loads a 64-bit counter from the page shared between supervisor and worker.
/// Swift has no atomic view of raw shared memory, so C11 builtins do it.
static inline uint64_t oomlab_load_u64(const uint64_t *slot) {
  return __atomic_load_n(slot, __ATOMIC_ACQUIRE);
}

/// Atomically stores a 64-bit counter into the shared page.
static inline void oomlab_store_u64(uint64_t *slot, uint64_t value) {
  __atomic_store_n(slot, value, __ATOMIC_RELEASE);
}

/// Atomically adds a signed delta to a 64-bit counter in the shared page.
static inline void oomlab_add_u64(uint64_t *slot, int64_t delta) {
  __atomic_fetch_add(slot, (uint64_t)delta, __ATOMIC_ACQ_REL);
}

/// Orders the loads before it ahead of the loads after it, for the reader side of a sequence lock.
/// Swift has no fence over raw shared memory.
static inline void oomlab_acquire_fence(void) { __atomic_thread_fence(__ATOMIC_ACQUIRE); }

/// Orders the stores before it ahead of the stores after it, for the writer side of a sequence lock.
static inline void oomlab_release_fence(void) { __atomic_thread_fence(__ATOMIC_RELEASE); }

/// Asks the kernel to send `sig` to the calling process when its parent dies.
/// The corresponding C call is `prctl(PR_SET_PDEATHSIG, sig)`, which is variadic.
int oomlab_set_parent_death_signal(int sig);

/// Creates an anonymous memory-backed file with close-on-exec set; returns its descriptor or -1.
/// The corresponding C call is `memfd_create(name, MFD_CLOEXEC)`, which Swift's Glibc module does not declare.
int oomlab_memfd_create(const char *name);

/// How `oomlab_spawn` sets up the child between `fork` and `execve`.
typedef struct {
  /// Descriptors duplicated onto `to[i]` in the child (at most 16); everything else oomlab opened is close-on-exec.
  const int *from;
  const int *to;
  int count;
  /// A descriptor of a `cgroup.procs` file the child writes "0" to (moving itself), -1 for none.
  int cgroup_procs_fd;
  /// The signal the child gets when oomlab dies (`PR_SET_PDEATHSIG`), 0 for none.
  int parent_death_signal;
  /// 1: the child leads a process group of its own, so a terminal's Ctrl-C reaches only oomlab.
  int new_process_group;
  /// 0: every signal at its default (a worker). 1: signals oomlab's caller ignored stay ignored, and
  /// SIGPIPE (which oomlab ignores itself) is ignored only when `ignore_sigpipe` is 1. Nothing is blocked either way.
  int keep_ignored_signals;
  int ignore_sigpipe;
  /// Text written to the child's /proc/self/oom_score_adj before it execs, NULL for none.
  const char *oom_score_adj;
  /// Set by `oomlab_spawn` when it fails: the `OOMLAB_SPAWN_...` step the child could not take.
  int failed_step;
} oomlab_spawn_options;

/// The steps of `oomlab_spawn`'s child, named in `failed_step`.
enum {
  OOMLAB_SPAWN_PROCESS_GROUP = 1,
  OOMLAB_SPAWN_PARENT_DEATH_SIGNAL = 2,
  OOMLAB_SPAWN_CGROUP = 3,
  OOMLAB_SPAWN_OOM_SCORE_ADJ = 4,
  OOMLAB_SPAWN_DESCRIPTORS = 5,
  OOMLAB_SPAWN_EXEC = 6,
};

/// Starts `path` in a new process that first joins a cgroup, then execs, so that every page the
/// program touches is charged to that cgroup from its first instruction.
///
/// The child sets its signals, process group, parent-death signal, cgroup ("0" moves the writer,
/// in cgroup v1 and v2 alike), oom_score_adj and descriptors as `options` say, then calls `execve`.
/// Returns the child's pid, or -1 with errno set to why the child could not get as far as `execve`
/// (the child is reaped). Swift cannot run code between `fork` and `execve`, and `posix_spawn`
/// cannot join a cgroup.
int oomlab_spawn(const char *path, char *const argv[], char *const envp[], oomlab_spawn_options *options);

/// Makes the calling process the reaper of its orphaned descendants, so their ends reach its waitpid.
/// The corresponding C call is `prctl(PR_SET_CHILD_SUBREAPER, 1)`, which is variadic.
int oomlab_set_child_subreaper(void);

/// Returns a descriptor that refers to process `pid` and becomes readable when it exits, or -1.
/// The corresponding C call is `pidfd_open(pid, 0)`, which glibc before 2.36 lacks; made through syscall(2).
int oomlab_pidfd_open(int pid);

/// Sends `sig` to the process `pidfd` refers to, never to another that reuses its pid; 0 or -1 with errno.
/// The corresponding C call is `pidfd_send_signal(pidfd, sig, NULL, 0)`, made through syscall(2).
int oomlab_pidfd_send_signal(int pidfd, int sig);

/// Returns the symbolic name of errno `code` ("ELOOP"), or NULL when it has none or glibc is older than 2.32.
/// The corresponding C call is `strerrorname_np(code)`, which Swift's Glibc module does not declare (_GNU_SOURCE).
const char *oomlab_errno_name(int code);

/// Creates a pipe with `flags` (O_CLOEXEC, O_NONBLOCK) set on both ends at once; 0 or -1 with errno.
/// The corresponding C call is `pipe2`, which Swift's Glibc module does not declare (it needs _GNU_SOURCE).
int oomlab_pipe(int ends[2], int flags);

/// Returns 1 when `sig` is ignored (SIG_IGN) in this process; Swift cannot compare handler pointers.
int oomlab_signal_ignored(int sig);

/// An opaque thread that touched part of its own stack and waits to be released.
typedef struct oomlab_stack_thread oomlab_stack_thread;

/// Starts a thread with a stack of `stack_bytes` that writes `touch_bytes` of it and then waits.
/// Returns NULL and sets errno on failure. Swift cannot grow a stack frame by a run-time size
/// (alloca), which is what "a thread that uses N bytes of its stack" needs.
oomlab_stack_thread *oomlab_stack_thread_start(size_t stack_bytes, size_t touch_bytes);

/// Releases a stack thread and joins it; its stack is unmapped by the C library.
void oomlab_stack_thread_stop(oomlab_stack_thread *thread);

/// Returns the path of the shared object that serves `malloc` for this process, or NULL.
/// The corresponding C calls are `dlsym(RTLD_DEFAULT, "malloc")` and `dladdr`.
const char *oomlab_malloc_provider(void);

/// glibc malloc statistics, in bytes, as `mallinfo2` reports them summed over all arenas.
typedef struct {
  uint64_t arena;     ///< non-mmapped space obtained from the OS (sbrk and arena heaps)
  uint64_t in_use;    ///< bytes in chunks handed out (uordblks)
  uint64_t free;      ///< bytes in free chunks (fordblks)
  uint64_t mmapped;   ///< bytes in chunks served directly by mmap (hblkhd)
} oomlab_glibc_stats;

/// Reads glibc's statistics; returns 0 on success, -1 when this process's malloc is not glibc's.
int oomlab_glibc_read_stats(oomlab_glibc_stats *out);

/// Returns glibc's `malloc_info` XML as a NUL-terminated string the caller frees, or NULL when this
/// process's malloc is not glibc's. Swift has no FILE stream to hand it, which `open_memstream` provides.
char *oomlab_glibc_malloc_info(void);

/// jemalloc statistics, in bytes, read through `mallctl` after refreshing `epoch`.
typedef struct {
  uint64_t allocated;
  uint64_t active;
  uint64_t resident;
  uint64_t retained;
  uint64_t metadata;
  uint64_t arenas;    ///< arenas whose arena.<i>.initialized is true, UINT64_MAX when unknown
} oomlab_jemalloc_stats;

/// Reads jemalloc's statistics; returns 0 on success, -1 when `mallctl` is not available.
/// `mallctl` is looked up at run time so the worker runs without jemalloc when it is not preloaded.
int oomlab_jemalloc_read_stats(oomlab_jemalloc_stats *out);

/// Returns 1 when `mallctl` (jemalloc's control interface) is reachable in this process.
int oomlab_jemalloc_present(void);

/// Reads the jemalloc control `name` (like "opt.narenas") into `out`, which holds exactly `size` bytes;
/// with `out` NULL it only asks whether the control exists. Returns 0, the error `mallctl` returned
/// (ENOENT: no such control; EINVAL: `size` is not the size of its type), or -1 when `mallctl` is not
/// reachable. The corresponding C call is `mallctl(name, out, &size, NULL, 0)`, looked up at run time.
int oomlab_jemalloc_read(const char *name, void *out, size_t size);

/// Purges unused dirty and muzzy pages of all jemalloc arenas (`arena.<MALLCTL_ARENAS_ALL>.purge`).
int oomlab_jemalloc_purge_all(void);

/// Calls glibc's `malloc_trim(0)`; returns its result (1 when memory was released).
int oomlab_glibc_trim(void);

#endif
