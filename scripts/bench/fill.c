/*
 * fill.c: the physical limit for oomlab's `pages` benchmark.
 *
 * Maps SIZE bytes (default 2 GiB) of anonymous private memory, writes one
 * byte per page, in order, the same first touch that oomlab's
 * `pages: { size: 2GiB, touch: all }` performs, unmaps it and exits.
 *
 * It keeps no clock of its own: scripts/bench.sh takes the wall time of the
 * whole process, exec to exit, exactly as it does for `oomlab run`, so the two
 * figures are measured the same way.
 *
 * Build: cc -O2 -o fill fill.c
 * Usage: fill [SIZE_IN_BYTES]
 */
#define _GNU_SOURCE
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

int main(int argc, char **argv) {
  size_t size = (size_t)2 << 30;
  if (argc > 1) {
    char *end = NULL;
    errno = 0;
    unsigned long long value = strtoull(argv[1], &end, 10);
    if (errno != 0 || end == argv[1] || *end != '\0' || value == 0) {
      fprintf(stderr, "fill: expected a size in bytes, got \"%s\"\n", argv[1]);
      return 2;
    }
    size = (size_t)value;
  }
  long page = sysconf(_SC_PAGESIZE);
  if (page <= 0) page = 4096;

  unsigned char *region = mmap(NULL, size, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
  if (region == MAP_FAILED) {
    fprintf(stderr, "fill: mmap(%zu) failed: %s\n", size, strerror(errno));
    return 1;
  }

  /* volatile: the compiler must emit every store, one per page. */
  volatile unsigned char *p = region;
  for (size_t offset = 0; offset < size; offset += (size_t)page) p[offset] = 1;

  munmap(region, size);
  return 0;
}
