/* native-blocks COUNT SIZE: what a `native: { count: COUNT, size: SIZE }` step does, as a C program.
 *
 * Mallocs and writes COUNT blocks of SIZE bytes, keeping their addresses in a mapping of its own
 * (as oomlab keeps its records), and prints VmRSS in KiB and mallinfo2's allocated bytes
 * (uordblks + hblkhd) before and after.
 *
 *   cc -O2 -o native-blocks native-blocks.c && ./native-blocks 1000000 1024
 */
#include <malloc.h>
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

int main(int argc, char **argv) {
  long count = atol(argv[1]), size = atol(argv[2]);
  void **blocks = mmap(NULL, count * sizeof(void *), PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
  struct mallinfo2 before = mallinfo2();
  long rss_before = rss_kib();
  for (long i = 0; i < count; i++) {
    blocks[i] = malloc(size);
    memset(blocks[i], 0x5A, size);
  }
  struct mallinfo2 after = mallinfo2();
  printf("%ld %ld %zu %zu\n", rss_before, rss_kib(), before.uordblks + before.hblkhd, after.uordblks + after.hblkhd);
  return 0;
}
