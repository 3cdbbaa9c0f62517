/* main may end with pthread_exit: the main thread leaves (its private stack is no longer
 * used), the other threads keep running to their end, and the process then exits with status 0
 * after atexit handlers ran. */
// expect-stdout: main leaves
// expect-stdout: worker done: 499500
// expect-stdout: atexit ran
#include <confpass.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

static void at_exit(void) { puts("atexit ran"); }

static void *worker(void *arg) {
    (void)arg;
    usleep(50 * 1000); /* main is gone by now */
    private long *v = conf_malloc(1000 * sizeof(long));
    if (v == NULL) return NULL;
    for (int i = 0; i < 1000; i++) v[i] = i;
    long sum = 0;
    for (int i = 0; i < 1000; i++) sum += v[i];
    printf("worker done: %ld\n", conf_declassify_long(sum));
    conf_free(v);
    return NULL;
}

int main(void) {
    atexit(at_exit);
    puts("main leaves");
    fflush(stdout);
    pthread_t t;
    if (pthread_create(&t, NULL, worker, NULL) != 0) return 1;
    pthread_exit(NULL);
}
