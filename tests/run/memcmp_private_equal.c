/* Regression test: `memcmp(private, private, n) == 0` (and `memcmp(private, public, n) == 0`)
 * is a correct use of the policy (memcmp is allowed on private buffers, its result is private
 * and is only declassified here) and must build and run at -O0, -O2 and -O2 -flto. Without
 * confcc's `-fno-builtin-bcmp`, the -O2 -flto build failed to link:
 *
 *   ld.lld: error: Invalid record (Producer: 'LLVM22.1.8' Reader: 'LLVM 22.1.8')
 *   clang-22: error: linker command failed with exit code 1 (use -v to see invocation)
 *
 * Cause (an LLVM 22 bug, not confpass's analysis; plain clang-22 does the same): InstCombine's
 * library-call simplifier turns `memcmp(a, b, n) == 0` into `bcmp(a, b, n) == 0` and emits the
 * call with bcmp declared as `i32 (ptr, ptr, i64)` while the arguments stay
 * `ptr addrspace(1)`; the module is invalid ("Call parameter type does not match function
 * signature!" under opt-22 -passes=instcombine), and its bitcode cannot be read back, which
 * is what an -flto object is. Reproducer without confpass:
 *
 *   int f(const __attribute__((address_space(1))) char *a,
 *         const __attribute__((address_space(1))) char *b) { return memcmp(a, b, 32) == 0; }
 *   clang-22 -O2 -c -emit-llvm f.c -o f.bc && llvm-dis-22 f.bc   -> Invalid record
 *
 * `-fno-builtin-bcmp` avoids it (memcmp stays memcmp); confcc adds it. */
// expect-stdout: equal 1, different 0, equal to public 1
#include <confpass.h>
#include <stdio.h>
#include <string.h>

int main(void) {
    private char *a = conf_malloc(32);
    private char *b = conf_malloc(32);
    if (a == NULL || b == NULL) return 1;
    memcpy(a, "0123456789abcdef0123456789abcdef", 32);
    memcpy(b, a, 32);
    int equal = conf_declassify_int(memcmp(a, b, 32) == 0);
    b[31] = 'x';
    int different = conf_declassify_int(memcmp(a, b, 32) == 0);
    int equal_public = conf_declassify_int(memcmp(a, "0123456789abcdef0123456789abcdef", 32) == 0);
    printf("equal %d, different %d, equal to public %d\n", equal, different, equal_public);
    conf_free(a);
    conf_free(b);
    return 0;
}
