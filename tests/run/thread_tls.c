/* Thread-local variables and errno in a thread other than main: glibc keeps them with the
 * thread's descriptor on the stack it makes for the thread, public memory that compiled code
 * reads and writes; the thread's own code runs on its native stack. (When the native stack
 * was the thread's only stack, glibc put them there, and every access was a violation.) */
// expect-stdout: worker: count 3, errno 0
// expect-stdout: main: count 1
#include <errno.h>
#include <pthread.h>
#include <stdio.h>

static __thread long count;

static void *worker(void *arg) {
    (void)arg;
    errno = 0;
    for (int i = 0; i < 3; i++) count++;
    printf("worker: count %ld, errno %d\n", count, errno);
    return NULL;
}

int main(void) {
    count = 1;
    pthread_t t;
    if (pthread_create(&t, NULL, worker, NULL) != 0) return 1;
    pthread_join(t, NULL);
    printf("main: count %ld\n", count);
    return 0;
}
