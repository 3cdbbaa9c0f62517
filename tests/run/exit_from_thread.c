/* exit called by a thread (not main) ends the whole program with its status while main is
 * blocked in pthread_join; the atexit handlers run. */
// expect-exit: 5
// expect-stdout: thread exits
// expect-stdout: atexit ran
#include <confpass.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>

static void at_exit(void) { puts("atexit ran"); }

static void *body(void *arg) {
    (void)arg;
    private int *v = conf_malloc(sizeof(int));
    if (v == NULL) return NULL;
    *v = 5;
    puts("thread exits");
    exit(conf_declassify_int(*v));
}

int main(void) {
    atexit(at_exit);
    pthread_t t;
    if (pthread_create(&t, NULL, body, NULL) != 0) return 1;
    pthread_join(t, NULL);
    puts("not reached");
    return 0;
}
