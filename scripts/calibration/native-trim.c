/* native-trim COUNT SIZE: what `native: { count: COUNT, size: SIZE }`, then `free: { fraction: 0.9,
 * pattern: random }`, then `trim` do, as a C program.
 *
 * Mallocs and writes COUNT blocks of SIZE bytes (their addresses in a mapping of its own), frees nine
 * in ten of them in a random order, then calls malloc_trim(0). Prints VmRSS in KiB before, after the
 * blocks, after the free and after the trim, then mallinfo2's allocated bytes (uordblks + hblkhd)
 * before and after the trim.
 *
 *   cc -O2 -o native-trim native-trim.c && ./native-trim 1000000 1024
 */
#include <malloc.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>

static long rss_kib(void) {
  FILE *f = fopen("/proc/self/status", "r");
  char line[256];
  long kib = -1;
  while (fgets(line, sizeof line, f)) if (sscanf(line, "VmRSS: %ld", &kib) == 1) break;
  fclose(f);
  return kib;
}

/* SplitMix64, so the order does not depend on the C library's rand(). */
static uint64_t next(uint64_t *state) {
  uint64_t z = (*state += 0x9E3779B97F4A7C15ULL);
  z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ULL;
  z = (z ^ (z >> 27)) * 0x94D049BB133111EBULL;
  return z ^ (z >> 31);
}

int main(int argc, char **argv) {
  long count = atol(argv[1]), size = atol(argv[2]);
  void **blocks = mmap(NULL, count * sizeof(void *), PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
  long *order = mmap(NULL, count * sizeof(long), PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
  struct mallinfo2 before = mallinfo2();
  long rss_before = rss_kib();
  for (long i = 0; i < count; i++) {
    blocks[i] = malloc(size);
    memset(blocks[i], 0x5A, size);
    order[i] = i;
  }
  long rss_blocks = rss_kib();
  uint64_t state = 7;
  for (long i = count - 1; i > 0; i--) {
    long j = (long)(next(&state) % (uint64_t)(i + 1)), t = order[i];
    order[i] = order[j];
    order[j] = t;
  }
  for (long i = 0; i < count / 10 * 9; i++) free(blocks[order[i]]);
  long rss_free = rss_kib();
  malloc_trim(0);
  long rss_trim = rss_kib();
  struct mallinfo2 after = mallinfo2();
  printf("%ld %ld %ld %ld %zu %zu\n", rss_before, rss_blocks, rss_free, rss_trim, before.uordblks + before.hblkhd,
         after.uordblks + after.hblkhd);
  return 0;
}
