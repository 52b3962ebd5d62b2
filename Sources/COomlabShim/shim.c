#define _GNU_SOURCE
#include "oomlab_shim.h"

#include <dlfcn.h>
#include <errno.h>
#include <malloc.h>
#include <pthread.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <fcntl.h>
#include <signal.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <unistd.h>
#include <sys/prctl.h>
#include <sys/syscall.h>

int oomlab_set_parent_death_signal(int sig) { return prctl(PR_SET_PDEATHSIG, sig, 0, 0, 0); }

int oomlab_memfd_create(const char *name) { return memfd_create(name, MFD_CLOEXEC); }

int oomlab_set_child_subreaper(void) { return prctl(PR_SET_CHILD_SUBREAPER, 1, 0, 0, 0); }

int oomlab_pidfd_open(int pid) { return (int)syscall(SYS_pidfd_open, pid, 0); }

int oomlab_pidfd_send_signal(int pidfd, int sig) { return (int)syscall(SYS_pidfd_send_signal, pidfd, sig, NULL, 0); }

int oomlab_pipe(int ends[2], int flags) { return pipe2(ends, flags); }

const char *oomlab_errno_name(int code) {
#if __GLIBC_PREREQ(2, 32)
  return strerrorname_np(code);
#else
  (void)code;
  return NULL;
#endif
}

int oomlab_signal_ignored(int sig) {
  struct sigaction current;
  if (sigaction(sig, NULL, &current) != 0) return 0;
  return !(current.sa_flags & SA_SIGINFO) && current.sa_handler == SIG_IGN;
}

// Only async-signal-safe calls between fork and execve: the parent has other threads.
static void spawn_child(const char *path, char *const argv[], char *const envp[], const oomlab_spawn_options *o,
                        int report_fd) {
  int report[2] = {0, 0};
  // The report pipe may have got a descriptor the targets below include (3, 4, ...): moved above
  // them first, so no dup2 replaces it and an execve failure reaches the parent, not the program.
  int moved = fcntl(report_fd, F_DUPFD_CLOEXEC, 64);
  if (moved < 0) {
    report[0] = OOMLAB_SPAWN_DESCRIPTORS;
    report[1] = errno;
    (void)!write(report_fd, report, sizeof report);
    _exit(127);
  }
  report_fd = moved;
  struct sigaction defaults;
  memset(&defaults, 0, sizeof defaults);
  defaults.sa_handler = SIG_DFL;
  if (o->keep_ignored_signals) {
    // A foreign program keeps the signals its caller chose to ignore (nohup's SIGHUP, a background
    // job's SIGINT): execve keeps them ignored and resets handlers, so only oomlab's own change,
    // SIGPIPE, is put back.
    struct sigaction pipe_action = defaults;
    if (o->ignore_sigpipe) pipe_action.sa_handler = SIG_IGN;
    sigaction(SIGPIPE, &pipe_action, NULL);
  } else {
    for (int sig = 1; sig < NSIG; sig++) sigaction(sig, &defaults, NULL);
  }
  // Nothing blocked, whatever oomlab inherited: a mask is no choice of the caller's but an accident of
  // the thread that spawned oomlab (a thread pool's workers block nearly every signal), and a shell
  // started with SIGCHLD blocked waits for its children forever.
  sigset_t none;
  sigemptyset(&none);
  sigprocmask(SIG_SETMASK, &none, NULL);
  report[0] = OOMLAB_SPAWN_PROCESS_GROUP;
  if (o->new_process_group && setpgid(0, 0) != 0) goto fail;
  report[0] = OOMLAB_SPAWN_PARENT_DEATH_SIGNAL;
  if (o->parent_death_signal != 0 && prctl(PR_SET_PDEATHSIG, o->parent_death_signal, 0, 0, 0) != 0) goto fail;
  report[0] = OOMLAB_SPAWN_CGROUP;
  if (o->cgroup_procs_fd >= 0 && write(o->cgroup_procs_fd, "0", 1) != 1) goto fail;
  report[0] = OOMLAB_SPAWN_OOM_SCORE_ADJ;
  if (o->oom_score_adj) {
    int adj = open("/proc/self/oom_score_adj", O_WRONLY | O_CLOEXEC);
    if (adj < 0) goto fail;
    size_t length = strlen(o->oom_score_adj);
    if (write(adj, o->oom_score_adj, length) != (ssize_t)length) goto fail;
    close(adj);
  }
  // Move every source above the targets first, so one dup2 cannot overwrite another's source; the
  // copies are close-on-exec, so only the targets (which dup2 leaves inheritable) reach the program.
  report[0] = OOMLAB_SPAWN_DESCRIPTORS;
  int high[16];
  if (o->count > 16) { errno = EINVAL; goto fail; }
  for (int i = 0; i < o->count; i++) {
    high[i] = fcntl(o->from[i], F_DUPFD_CLOEXEC, 64);
    if (high[i] < 0) goto fail;
  }
  for (int i = 0; i < o->count; i++) {
    if (dup2(high[i], o->to[i]) < 0) goto fail;
  }
  report[0] = OOMLAB_SPAWN_EXEC;
  execve(path, argv, envp);
fail:
  report[1] = errno;
  (void)!write(report_fd, report, sizeof report);
  _exit(127);
}

int oomlab_spawn(const char *path, char *const argv[], char *const envp[], oomlab_spawn_options *options) {
  options->failed_step = 0;
  int report[2];
  if (pipe2(report, O_CLOEXEC) != 0) return -1;
  pid_t pid = fork();
  if (pid < 0) {
    int error = errno;
    close(report[0]);
    close(report[1]);
    errno = error;
    return -1;
  }
  if (pid == 0) spawn_child(path, argv, envp, options, report[1]);
  close(report[1]);
  // The report pipe closes without a word when execve succeeds (close-on-exec).
  int failure[2] = {0, 0};
  ssize_t n;
  do { n = read(report[0], failure, sizeof failure); } while (n < 0 && errno == EINTR);
  close(report[0]);
  if (n == (ssize_t)sizeof failure) {
    while (waitpid(pid, NULL, 0) < 0 && errno == EINTR) {}
    options->failed_step = failure[0];
    errno = failure[1];
    return -1;
  }
  return pid;
}

struct oomlab_stack_thread {
  pthread_t thread;
  pthread_mutex_t lock;
  pthread_cond_t cond;
  size_t touch_bytes;
  int ready;
  int stop;
};

// Writes `bytes` of this thread's stack through a variable-length array, so the pages
// become resident exactly as a deep call chain would make them.
static __attribute__((noinline)) void touch_own_stack(size_t bytes) {
  if (bytes == 0) return;
  volatile unsigned char frame[bytes];
  for (size_t i = 0; i < bytes; i += 4096) frame[i] = 1;
  frame[bytes - 1] = 1;
}

static void *stack_thread_main(void *arg) {
  oomlab_stack_thread *t = arg;
  touch_own_stack(t->touch_bytes);
  pthread_mutex_lock(&t->lock);
  t->ready = 1;
  pthread_cond_broadcast(&t->cond);
  while (!t->stop) pthread_cond_wait(&t->cond, &t->lock);
  pthread_mutex_unlock(&t->lock);
  return NULL;
}

oomlab_stack_thread *oomlab_stack_thread_start(size_t stack_bytes, size_t touch_bytes) {
  oomlab_stack_thread *t = calloc(1, sizeof(*t));
  if (!t) return NULL;
  pthread_mutex_init(&t->lock, NULL);
  pthread_cond_init(&t->cond, NULL);
  t->touch_bytes = touch_bytes;
  pthread_attr_t attr;
  pthread_attr_init(&attr);
  int rc = pthread_attr_setstacksize(&attr, stack_bytes);
  if (rc == 0) rc = pthread_create(&t->thread, &attr, stack_thread_main, t);
  pthread_attr_destroy(&attr);
  if (rc != 0) {
    free(t);
    errno = rc;
    return NULL;
  }
  pthread_mutex_lock(&t->lock);
  while (!t->ready) pthread_cond_wait(&t->cond, &t->lock);
  pthread_mutex_unlock(&t->lock);
  return t;
}

void oomlab_stack_thread_stop(oomlab_stack_thread *t) {
  if (!t) return;
  pthread_mutex_lock(&t->lock);
  t->stop = 1;
  pthread_cond_broadcast(&t->cond);
  pthread_mutex_unlock(&t->lock);
  pthread_join(t->thread, NULL);
  pthread_mutex_destroy(&t->lock);
  pthread_cond_destroy(&t->cond);
  free(t);
}

const char *oomlab_malloc_provider(void) {
  void *sym = dlsym(RTLD_DEFAULT, "malloc");
  Dl_info info;
  if (!sym || !dladdr(sym, &info)) return NULL;
  return info.dli_fname;
}

char *oomlab_glibc_malloc_info(void) {
  if (oomlab_jemalloc_present()) return NULL;
  char *buffer = NULL;
  size_t size = 0;
  FILE *stream = open_memstream(&buffer, &size);
  if (!stream) return NULL;
  int failed = malloc_info(0, stream);
  fclose(stream);
  if (failed) {
    free(buffer);
    return NULL;
  }
  return buffer;
}

int oomlab_glibc_read_stats(oomlab_glibc_stats *out) {
  if (oomlab_jemalloc_present()) return -1;
  struct mallinfo2 mi = mallinfo2();
  out->arena = mi.arena;
  out->in_use = mi.uordblks;
  out->free = mi.fordblks;
  out->mmapped = mi.hblkhd;
  return 0;
}

typedef int (*mallctl_fn)(const char *, void *, size_t *, void *, size_t);

static mallctl_fn find_mallctl(void) {
  static mallctl_fn cached;
  static int looked;
  if (!looked) {
    cached = (mallctl_fn)dlsym(RTLD_DEFAULT, "mallctl");
    looked = 1;
  }
  return cached;
}

int oomlab_jemalloc_present(void) { return find_mallctl() != NULL; }

static int read_size(mallctl_fn ctl, const char *name, uint64_t *out) {
  size_t value = 0, len = sizeof(value);
  if (ctl(name, &value, &len, NULL, 0) != 0) return -1;
  *out = value;
  return 0;
}

typedef int (*mallctlnametomib_fn)(const char *, size_t *, size_t *);
typedef int (*mallctlbymib_fn)(const size_t *, size_t, void *, size_t *, void *, size_t);

// arenas.narenas is the number of arena slots (4 x CPUs, plus one for huge allocations), not arenas
// made: jemalloc creates one when a thread first allocates, up to that many, as glibc adds one per
// contending thread. Counted by MIB, without a name to parse per arena.
static uint64_t count_initialized_arenas(mallctl_fn ctl) {
  static mallctlnametomib_fn to_mib;
  static mallctlbymib_fn by_mib;
  if (!to_mib) to_mib = (mallctlnametomib_fn)dlsym(RTLD_DEFAULT, "mallctlnametomib");
  if (!by_mib) by_mib = (mallctlbymib_fn)dlsym(RTLD_DEFAULT, "mallctlbymib");
  unsigned narenas = 0;
  size_t len = sizeof(narenas);
  size_t mib[3], miblen = 3;
  if (!to_mib || !by_mib || ctl("arenas.narenas", &narenas, &len, NULL, 0) != 0
      || to_mib("arena.0.initialized", mib, &miblen) != 0) {
    return UINT64_MAX;
  }
  uint64_t initialized = 0;
  for (unsigned i = 0; i < narenas; i++) {
    bool yes = false;
    len = sizeof(yes);
    mib[1] = i;
    if (by_mib(mib, miblen, &yes, &len, NULL, 0) == 0 && yes) initialized++;
  }
  return initialized;
}

int oomlab_jemalloc_read_stats(oomlab_jemalloc_stats *out) {
  mallctl_fn ctl = find_mallctl();
  if (!ctl) return -1;
  uint64_t epoch = 1;
  size_t len = sizeof(epoch);
  ctl("epoch", &epoch, &len, &epoch, len);
  memset(out, 0, sizeof(*out));
  if (read_size(ctl, "stats.allocated", &out->allocated) != 0) return -1;
  read_size(ctl, "stats.active", &out->active);
  read_size(ctl, "stats.resident", &out->resident);
  read_size(ctl, "stats.retained", &out->retained);
  read_size(ctl, "stats.metadata", &out->metadata);
  out->arenas = count_initialized_arenas(ctl);
  return 0;
}

int oomlab_jemalloc_read(const char *name, void *out, size_t size) {
  mallctl_fn ctl = find_mallctl();
  if (!ctl) return -1;
  if (!out) return ctl(name, NULL, NULL, NULL, 0);
  size_t len = size;
  int rc = ctl(name, out, &len, NULL, 0);
  // jemalloc copies what fits and says EINVAL on a size mismatch; a shorter answer is a mismatch too.
  if (rc == 0 && len != size) return EINVAL;
  return rc;
}

int oomlab_jemalloc_purge_all(void) {
  mallctl_fn ctl = find_mallctl();
  if (!ctl) return -1;
  return ctl("arena.4096.purge", NULL, NULL, NULL, 0);
}

int oomlab_glibc_trim(void) { return malloc_trim(0); }
