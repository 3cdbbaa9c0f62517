/* pthread_exit ends a thread from any depth of nested calls, its value reaches pthread_join,
 * and the cleanup handlers it runs see the thread's private data intact; private heap blocks
 * allocated by the thread survive it. */
// expect-stdout: cleanup ran with 21
// expect-stdout: joined 42, kept 21
// expect-stdout: thread_exit ok
#include <confpass.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>

#define CHECK(c) do { if (!(c)) { fprintf(stderr, "check failed: %s (line %d)\n", #c, __LINE__); exit(1); } } while (0)

static private int *kept;

static void cleanup(void *arg) {
    private int *p = *(private int **)arg;
    printf("cleanup ran with %d\n", conf_declassify_int(*p));
}

__attribute__((noinline)) static void leave(int depth, long value) {
    if (depth == 0) pthread_exit((void *)value);
    leave(depth - 1, value);
    puts("not reached");
}

static void *body(void *arg) {
    (void)arg;
    kept = conf_malloc(sizeof(int));
    *kept = 21;
    pthread_cleanup_push(cleanup, (void *)&kept);
    leave(20, 42);
    pthread_cleanup_pop(0);
    return NULL;
}

int main(void) {
    pthread_t t;
    void *ret = NULL;
    CHECK(pthread_create(&t, NULL, body, NULL) == 0);
    CHECK(pthread_join(t, &ret) == 0);
    printf("joined %ld, kept %d\n", (long)ret, conf_declassify_int(*kept));
    conf_free(kept);
    puts("thread_exit ok");
    return 0;
}
