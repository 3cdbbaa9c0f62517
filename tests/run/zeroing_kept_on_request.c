/* A build that asks for -ftrivial-auto-var-init itself keeps it on every local: confcc then
 * does not drop the zeroing of locals that move to a public frame (see
 * zeroing_public_stack.c), so a program that reads an uninitialised local computes what its
 * own zero-initialised build computes. `dirty` leaves bytes in the public frames where
 * `peek`'s local, whose address escapes, lives next. */
// confcc-flags: -ftrivial-auto-var-init=zero
// expect-stdout: uninitialised 0
#include <stdio.h>
#include <string.h>
__attribute__((noinline)) long observe(const long *x) { return x[0] | x[1] | x[2] | x[3]; }
__attribute__((noinline)) void dirty(void) {
    long x[4];
    memset(x, 0x5a, sizeof x);
    observe(x);
}
__attribute__((noinline)) long peek(void) {
    long x[4];
    return observe(x);
}
int main(void) {
    dirty();
    printf("uninitialised %ld\n", peek());
    return 0;
}
