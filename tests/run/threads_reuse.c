/* Many threads created and joined one after another: with 1 GiB thread stacks
 * (CONFPASS_THREAD_STACK_SIZE) 200 threads need 200 GiB of native stacks, more than the stacks
 * area of the private region holds (32 GiB), so this only works because a joined thread's
 * stack is reused (every thread runs at the same stack top), whether the thread returned or
 * called pthread_exit; each thread runs on a private stack. A thread may also be created
 * detached. */
// run-env: CONFPASS_THREAD_STACK_SIZE=1G
// expect-stdout: 200 threads joined, 1 distinct stack top
// expect-stdout: threads_reuse ok
#include <confpass.h>
#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

#define CHECK(c) do { if (!(c)) { fprintf(stderr, "check failed: %s (line %d)\n", #c, __LINE__); exit(1); } } while (0)
static int in_private(unsigned long a) { return a >= 0x100000000000UL && a < 0x101000000000UL; }
#define IS_PRIVATE(p) in_private((unsigned long)(uintptr_t)(p))

#define ROUNDS 200

static uintptr_t frames[ROUNDS];

/* Half of the threads end by returning, the other half by pthread_exit. */
static void *body(void *arg) {
    uintptr_t *frame = arg;
    *frame = (uintptr_t)__builtin_frame_address(0);
    void *result = IS_PRIVATE(__builtin_frame_address(0)) ? frame : NULL;
    if ((frame - frames) % 2) pthread_exit(result);
    return result;
}

static void *detached_body(void *arg) {
    (void)arg;
    return NULL;
}

int main(void) {
    int distinct = 0;
    for (int i = 0; i < ROUNDS; i++) {
        pthread_t t;
        void *ret = NULL;
        CHECK(pthread_create(&t, NULL, body, &frames[i]) == 0);
        CHECK(pthread_join(t, &ret) == 0);
        CHECK(ret == &frames[i]);
        int seen = 0;
        for (int j = 0; j < i; j++) seen |= frames[j] == frames[i];
        distinct += !seen;
    }
    printf("%d threads joined, %d distinct stack top%s\n", ROUNDS, distinct, distinct == 1 ? "" : "s");
    pthread_attr_t attr;
    pthread_attr_init(&attr);
    pthread_attr_setdetachstate(&attr, PTHREAD_CREATE_DETACHED);
    pthread_t d;
    CHECK(pthread_create(&d, &attr, detached_body, NULL) == 0);
    pthread_attr_destroy(&attr);
    puts("threads_reuse ok");
    return 0;
}
