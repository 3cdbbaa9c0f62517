/* fork works: the child inherits the private heap and its contents (a copy: its writes do not
 * reach the parent), allocates from the private heap, runs a thread, computes on private data
 * and exits with a status the parent collects with waitpid; the parent's private data is
 * unchanged afterwards. A second child is forked inside a helper function and returns through
 * it to main before it exits. */
// expect-stdout: child exited with 45
// expect-stdout: second child exited with 3
// expect-stdout: parent still has 1000
// expect-stdout: fork ok
#include <confpass.h>
#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/wait.h>
#include <unistd.h>

#define CHECK(c) do { if (!(c)) { fprintf(stderr, "check failed: %s (line %d)\n", #c, __LINE__); exit(1); } } while (0)
static int in_private(unsigned long a) { return a >= 0x100000000000UL && a < 0x101000000000UL; }
#define IS_PRIVATE(p) in_private((unsigned long)(uintptr_t)(p))

static private int *shared_before_fork;

struct work { private int *sum; };

static void *child_thread(void *arg) {
    struct work *w = arg;
    for (int i = 0; i < 10; i++) *w->sum += i;
    return NULL;
}

static int child(void) {
    CHECK(IS_PRIVATE(__builtin_frame_address(0)));
    CHECK(conf_declassify_int(*shared_before_fork) == 1000);
    *shared_before_fork = -1; /* the child's copy only */
    private int *sum = conf_calloc(1, sizeof(int));
    if (sum == NULL) return 100;
    struct work w = {sum};
    pthread_t t;
    if (pthread_create(&t, NULL, child_thread, &w) != 0) return 101;
    if (pthread_join(t, NULL) != 0) return 102;
    int result = conf_declassify_int(*sum);
    conf_free(sum);
    return result;
}

static pid_t spawn_returning(void) { return fork(); }

int main(void) {
    shared_before_fork = conf_malloc(sizeof(int));
    CHECK(shared_before_fork != NULL);
    *shared_before_fork = 1000;
    fflush(stdout);
    pid_t pid = fork();
    CHECK(pid >= 0);
    if (pid == 0) exit(child());
    int status = 0;
    CHECK(waitpid(pid, &status, 0) == pid);
    CHECK(WIFEXITED(status));
    printf("child exited with %d\n", WEXITSTATUS(status));

    fflush(stdout);
    pid = spawn_returning();
    CHECK(pid >= 0);
    if (pid == 0) {
        private char *p = conf_malloc(1 << 20);
        _exit(p != NULL && IS_PRIVATE(p) ? 3 : 4);
    }
    CHECK(waitpid(pid, &status, 0) == pid);
    CHECK(WIFEXITED(status));
    printf("second child exited with %d\n", WEXITSTATUS(status));

    printf("parent still has %d\n", conf_declassify_int(*shared_before_fork));
    conf_free(shared_before_fork);
    puts("fork ok");
    return 0;
}
