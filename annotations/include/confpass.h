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
#include <sys/types.h>

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
/* Exit status when the runtime cannot set up the private region (its address range is taken,
 * a size in the environment is malformed, …); a "confpass: …" line says why. */
#define CONFPASS_SETUP_EXIT 87

/* The private heap: memory inside the private region. Thread-safe; conf_free and conf_realloc
 * accept only blocks of this heap (anything else is a violation). */
private void *conf_malloc(size_t n);
private void *conf_calloc(size_t n, size_t size);
private void *conf_realloc(private void *p, size_t n);
void conf_free(private void *p);

/* A private local buffer: `private type *name` pointing at `count` zeroed elements of private
 * storage that lives until the end of the enclosing block (released by a cleanup handler;
 * leaving the block through longjmp leaks it). `name` is null when memory is short. */
static inline void conf__release_buffer(void *slot) { conf_free(*(private void **)slot); }
#define CONF_PRIVATE_BUFFER(type, name, count) \
    private type *name __attribute__((cleanup(conf__release_buffer))) = \
        (private type *)conf_calloc((count), sizeof(type))

/* Input straight into private memory (read(2) / recv(2)); no copy passes through public
 * memory. The buffer must lie in the private region. */
ssize_t conf_read_private(int fd, private void *buf, size_t n);
ssize_t conf_recv_private(int fd, private void *buf, size_t n, int flags);

/* Sealed output: the way private data may leave. conf_seal encrypts and authenticates `n`
 * private bytes with ChaCha20-Poly1305 under a private 32-byte key and a fresh random nonce,
 * writing n + CONF_SEAL_OVERHEAD bytes to `out`; it returns that size, or 0 if `cap` is too
 * small. conf_open reverses it into private memory and returns the plaintext size, or -1 if
 * the message was tampered with or does not fit. The key is a pointer to 32 private bytes
 * (clang rejects `private` on an array parameter, so the prototype spells it as a pointer). */
#define CONF_SEAL_OVERHEAD 28
size_t conf_seal(void *out, size_t cap, const private void *in, size_t n, const private unsigned char *key /* [32] */);
long conf_open(private void *out, size_t cap, const void *in, size_t n, const private unsigned char *key /* [32] */);

/* Declassification: the only ways from private to public. Each returns its argument (or
 * copies `n` bytes from private `src` to public `dst`); the compiler treats the result as
 * public and reports the call site in its audit. */
int conf_declassify_int(int v);
long conf_declassify_long(long v);
unsigned long conf_declassify_ulong(unsigned long v);
double conf_declassify_double(double v);
void conf_declassify_bytes(void *dst, const private void *src, size_t n);

#endif /* CONFPASS_H */
