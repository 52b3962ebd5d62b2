/* arena-churn: what Scenarios/arena-churn.yaml models, written as a C program would be.
 *
 * 5 rounds of: 8 threads started together allocate 5,000 blocks each of 64 B to 4 KiB (uniform),
 * writing every byte, then exit; the main thread frees half of everything still held, chosen at
 * random; a 50 ms pause. Then 300 ms more. Prints the RSS growth in bytes (VmRSS at the end minus
 * VmRSS before the first round) and glibc's arena count (from malloc_info).
 *
 *   cc -O2 -pthread -o arena-churn arena-churn.c && ./arena-churn [SEED]
 */
#define _GNU_SOURCE
#include <malloc.h>
#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

enum { ROUNDS = 5, THREADS = 8, PER_THREAD = 5000, MIN_SIZE = 64, MAX_SIZE = 4096 };

static void **live;
static size_t live_count;
static pthread_barrier_t gate;

struct job { size_t first; uint64_t seed; };

static uint64_t next(uint64_t *state) {
  uint64_t z = (*state += 0x9E3779B97F4A7C15ull);
  z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
  z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
  return z ^ (z >> 31);
}

static void *allocate(void *argument) {
  struct job *job = argument;
  uint64_t state = job->seed;
  pthread_barrier_wait(&gate);
  for (size_t i = 0; i < PER_THREAD; i++) {
    size_t size = MIN_SIZE + next(&state) % (MAX_SIZE - MIN_SIZE + 1);
    void *block = malloc(size);
    memset(block, 0x5A, size);
    live[job->first + i] = block;
  }
  return NULL;
}

static long rss_bytes(void) {
  FILE *f = fopen("/proc/self/status", "r");
  char line[256];
  long kib = -1;
  while (fgets(line, sizeof line, f)) if (sscanf(line, "VmRSS: %ld", &kib) == 1) break;
  fclose(f);
  return kib * 1024;
}

static int arenas(void) {
  char *text = NULL;
  size_t length = 0;
  FILE *stream = open_memstream(&text, &length);
  malloc_info(0, stream);
  fclose(stream);
  int count = 0;
  for (char *at = text; (at = strstr(at, "<heap nr=")) != NULL; at++) count++;
  free(text);
  return count;
}

int main(int argc, char **argv) {
  uint64_t seed = argc > 1 ? strtoull(argv[1], NULL, 10) : (uint64_t)time(NULL);
  uint64_t chooser = seed ^ 0xA5A5A5A5u;
  live = calloc(ROUNDS * THREADS * PER_THREAD, sizeof(void *));
  long before = rss_bytes();
  for (int round = 0; round < ROUNDS; round++) {
    pthread_t threads[THREADS];
    struct job jobs[THREADS];
    pthread_barrier_init(&gate, NULL, THREADS);
    for (int t = 0; t < THREADS; t++) {
      jobs[t] = (struct job){ live_count + (size_t)t * PER_THREAD, seed + (uint64_t)round * THREADS + (uint64_t)t };
      pthread_create(&threads[t], NULL, allocate, &jobs[t]);
    }
    for (int t = 0; t < THREADS; t++) pthread_join(threads[t], NULL);
    pthread_barrier_destroy(&gate);
    live_count += THREADS * PER_THREAD;
    /* Free half of what is held, chosen at random, in the order they were allocated. */
    size_t doomed = live_count / 2;
    char *marks = calloc(live_count, 1);
    for (size_t chosen = 0; chosen < doomed;) {
      size_t i = next(&chooser) % live_count;
      if (!marks[i]) { marks[i] = 1; chosen++; }
    }
    size_t kept = 0;
    for (size_t i = 0; i < live_count; i++) {
      if (marks[i]) free(live[i]); else live[kept++] = live[i];
    }
    free(marks);
    live_count = kept;
    usleep(50 * 1000);
  }
  usleep(300 * 1000);
  printf("%ld %d\n", rss_bytes() - before, arenas());
  return 0;
}
