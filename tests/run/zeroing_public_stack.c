/* confcc zero-initialises locals; for a local that moves to a public frame it drops that
 * zeroing (public frames hold only public data). The program's own stores of zeros must
 * survive: LLVM deletes a store of the zeros it knows a memset already wrote (here `a` and
 * `b`, while the memset stays for `c`), so a zeroing dropped after that would leave the old
 * contents that `dirty` left in the public frames. A local that stays on the native stack
 * (accessed only at constant offsets inside it) keeps its zeroing: `peek` reads it
 * uninitialised after `dirty_native` left bytes where it lives. */
// expect-stdout: fields 0 0 sum 1
// expect-stdout: native 0
#include <stdio.h>
#include <string.h>
struct triple { long a, b, c; };
__attribute__((noinline)) long use(struct triple *p) { return p->a + p->b + 1; }
__attribute__((noinline)) void dirty(void) {
    struct triple p;
    memset(&p, 0x5a, sizeof p);
    __asm__ volatile("" : : "r"(&p) : "memory");
    use(&p);
}
__attribute__((noinline)) long zeroed(void) {
    struct triple p;
    p.a = 0;
    p.b = 0;
    long s = use(&p);
    printf("fields %ld %ld sum %ld\n", p.a, p.b, s);
    return s;
}
__attribute__((noinline)) void dirty_native(void) {
    volatile long x[4];
    x[0] = 0x5a5a5a5a, x[1] = 0x5a5a5a5a, x[2] = 0x5a5a5a5a, x[3] = 0x5a5a5a5a;
}
__attribute__((noinline)) long peek(void) {
    volatile long x[4];
    return x[0] | x[1] | x[2] | x[3];
}
int main(void) {
    dirty();
    zeroed();
    dirty_native();
    printf("native %ld\n", peek());
    return 0;
}
