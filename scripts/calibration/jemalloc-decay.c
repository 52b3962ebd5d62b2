/* jemalloc-decay: what Scenarios/native-fragmentation-jemalloc.yaml models, as a C program.
 *
 * 200,000 blocks of 1 KiB written; 300 ms; 90% freed at random; a 3 s idle hold; then 40 rounds
 * of 2,000 blocks of 1 KiB allocated and freed with 100 ms between rounds. Prints VmRSS in bytes
 * at the start, after the 300 ms hold (the peak), after the idle hold and at the end.
 *
 *   cc -O2 -o jemalloc-decay jemalloc-decay.c
 *   LD_PRELOAD=/usr/lib/x86_64-linux-gnu/libjemalloc.so.2 ./jemalloc-decay
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

enum { BLOCKS = 200000, SIZE = 1024, ROUNDS = 40, PER_ROUND = 2000 };

static long rss_bytes(void) {
  FILE *f = fopen("/proc/self/status", "r");
  char line[256];
  long kib = -1;
  while (fgets(line, sizeof line, f)) if (sscanf(line, "VmRSS: %ld", &kib) == 1) break;
  fclose(f);
  return kib * 1024;
}

static uint64_t next(uint64_t *state) {
  uint64_t z = (*state += 0x9E3779B97F4A7C15ull);
  z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
  z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
  return z ^ (z >> 31);
}

int main(void) {
  static void *blocks[BLOCKS];
  static char doomed[BLOCKS];
  static void *round[PER_ROUND];
  long start = rss_bytes();
  for (int i = 0; i < BLOCKS; i++) {
    blocks[i] = malloc(SIZE);
    memset(blocks[i], 0x5A, SIZE);
  }
  usleep(300 * 1000);
  long peak = rss_bytes();
  uint64_t state = 7;
  for (int chosen = 0; chosen < BLOCKS * 9 / 10;) {
    int i = (int)(next(&state) % BLOCKS);
    if (!doomed[i]) { doomed[i] = 1; chosen++; }
  }
  for (int i = 0; i < BLOCKS; i++) if (doomed[i]) free(blocks[i]);
  sleep(3);
  long idle = rss_bytes();
  for (int r = 0; r < ROUNDS; r++) {
    for (int i = 0; i < PER_ROUND; i++) {
      round[i] = malloc(SIZE);
      memset(round[i], 0x5A, SIZE);
    }
    for (int i = 0; i < PER_ROUND; i++) free(round[i]);
    usleep(100 * 1000);
  }
  printf("%ld %ld %ld %ld\n", start, peak, idle, rss_bytes());
  return 0;
}
