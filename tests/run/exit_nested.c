/* exit from deep inside nested calls (30 frames, with private data live in them) ends the
 * program with its status: atexit handlers run in reverse order of registration, destructors
 * run, buffered stdout is flushed, and the code after the exit call never runs. */
// expect-exit: 7
// expect-stdout: computed 465
// expect-stdout: atexit: third
// expect-stdout: atexit: second
// expect-stdout: atexit: first
// expect-stdout: destructor
#include <confpass.h>
#include <stdio.h>
#include <stdlib.h>

static void first(void) { puts("atexit: first"); }
static void second(void) { puts("atexit: second"); }
static void third(void) { puts("atexit: third"); }
__attribute__((destructor)) static void destructor(void) { puts("destructor"); }

static private long *acc;

__attribute__((noinline)) static void nested(int depth) {
    if (depth == 0) {
        printf("computed %ld\n", conf_declassify_long(*acc)); /* stays in stdout's buffer */
        exit(7);
    }
    *acc += depth;
    nested(depth - 1);
    puts("not reached");
}

int main(void) {
    atexit(first);
    atexit(second);
    atexit(third);
    acc = conf_calloc(1, sizeof(long));
    if (acc == NULL) return 1;
    nested(30);
    puts("not reached");
    return 0;
}
