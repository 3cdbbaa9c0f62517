/* confpass.h — the confpass annotation and runtime API for C.
 *
 * Mark secret data `private`; confpass (the clang plugin behind `confcc`) proves that private
 * data never flows to a public place, keeps it in a private memory region, and guards the
 * program at run time. The only way from private to public is a `conf_declassify*` call,
 * and every such call is listed in the compiler's audit (`-mllvm -confpass-audit`).
 *
 *   private char key[32];                        a private global
 *   int check(const private char *pw);           a pointer to private memory
 *   struct user { private char *password; };     a field pointing to private memory
 *
 * Scalars (locals, parameters, returns) cannot carry `private` in C; their taint is inferred.
 */
#ifndef CONFPASS_H
#define CONFPASS_H

#include <stddef.h>

#ifdef __cplusplus
#error "confpass.h is for C: `private` is a C++ keyword"
#endif

/* Private memory: clang's address space 1. Converting a `private T *` to `T *` (or back)
 * implicitly is a compile error; explicit casts are rejected by confpass. */
#define private __attribute__((address_space(1)))

/* Scalar signatures. Scalars cannot carry `private` in C, so a function whose other
 * translation units must know that it returns private data, or takes private scalars, says
 * so on its prototype (in a header, so that every caller sees it):
 *
 *   CONF_RETURNS_PRIVATE int secret_digit(int i);
 *   CONF_PRIVATE_ARGS(2) void mix(private char *out, int secret);   positions count from 1
 *
 * A `static` function needs neither: confpass infers its signature from its callers. The
 * macros become `annotate` attributes that clang records in the module
 * (`llvm.global.annotations`) of every file that defines or calls the function. */
#define CONF_RETURNS_PRIVATE __attribute__((annotate("confpass.returns_private")))
#define CONF_PRIVATE_ARGS(...) __attribute__((annotate("confpass.private_args", __VA_ARGS__)))

/* Exit status of a program stopped by a confpass run-time violation (a guard or a CFI check
 * that fired). The runtime prints one line starting with "confpass: violation:" first. */
#define CONFPASS_VIOLATION_EXIT 86

/* Declassification: the only ways from private to public. Each returns its argument (or
 * copies `n` bytes from private `src` to public `dst`); the compiler treats the result as
 * public and reports the call site in its audit. */
int conf_declassify_int(int v);
long conf_declassify_long(long v);
unsigned long conf_declassify_ulong(unsigned long v);
double conf_declassify_double(double v);
void conf_declassify_bytes(void *dst, const private void *src, size_t n);

#endif /* CONFPASS_H */
