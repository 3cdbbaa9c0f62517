/* Threads work and run on private native stacks: 8 threads run at the same time, each with its
 * own argument, each allocating, filling and freeing private heap blocks (the heap is
 * thread-safe), each returning its result through pthread_join; every thread's frame (and
 * main's) lies in the private region, and the frames of concurrent threads are distinct. */
// expect-stdout: thread 0: 5050
// expect-stdout: thread 1: 10100
// expect-stdout: thread 2: 15150
// expect-stdout: thread 3: 20200
// expect-stdout: thread 4: 25250
// expect-stdout: thread 5: 30300
// expect-stdout: thread 6: 35350
// expect-stdout: thread 7: 40400
// expect-stdout: threads ok
#include <confpass.h>
#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

#define CHECK(c) do { if (!(c)) { fprintf(stderr, "check failed: %s (line %d)\n", #c, __LINE__); exit(1); } } while (0)
static int in_private(unsigned long a) { return a >= 0x100000000000UL && a < 0x101000000000UL; }
#define IS_PRIVATE(p) in_private((unsigned long)(uintptr_t)(p))

#define THREADS 8

struct job {
    long factor;
    long result;
    uintptr_t frame;
    int frame_private;
};

static pthread_barrier_t all_started;

static void *work(void *arg) {
    struct job *job = arg;
    job->frame = (uintptr_t)__builtin_frame_address(0);
    job->frame_private = IS_PRIVATE(__builtin_frame_address(0));
    pthread_barrier_wait(&all_started); /* every thread is alive at once */
    long total = 0;
    for (int round = 0; round < 200; round++) {
        private long *v = conf_malloc(101 * sizeof(long));
        if (v == NULL) return NULL;
        for (int i = 0; i <= 100; i++) v[i] = i * job->factor;
        long sum = 0;
        for (int i = 0; i <= 100; i++) sum += v[i];
        total = conf_declassify_long(sum);
        conf_free(v);
    }
    job->result = total;
    return job;
}

int main(void) {
    CHECK(IS_PRIVATE(__builtin_frame_address(0)));
    pthread_t t[THREADS];
    struct job jobs[THREADS];
    CHECK(pthread_barrier_init(&all_started, NULL, THREADS) == 0);
    for (int i = 0; i < THREADS; i++) {
        jobs[i] = (struct job){.factor = i + 1};
        CHECK(pthread_create(&t[i], NULL, work, &jobs[i]) == 0);
    }
    for (int i = 0; i < THREADS; i++) {
        void *ret = NULL;
        CHECK(pthread_join(t[i], &ret) == 0);
        CHECK(ret == &jobs[i]);
        CHECK(jobs[i].frame_private);
        for (int j = 0; j < i; j++) CHECK(jobs[i].frame != jobs[j].frame);
        printf("thread %d: %ld\n", i, jobs[i].result);
    }
    pthread_barrier_destroy(&all_started);
    puts("threads ok");
    return 0;
}
