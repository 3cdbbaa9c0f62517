/* plain_confpass.h: the confpass API for a plain C compiler, for the negative control of the
 * memory-scan test (tests/scan.rs). Included first (`clang-22 -include plain_confpass.h`), it
 * defines confpass.h's include guard, so that the real header is skipped, and gives every name
 * the meaning it would have without confpass: `private` is nothing, the private heap is libc's
 * heap, private input is read(2)/recv(2), declassification is a plain copy. conf_seal and
 * conf_open have no libc equivalent and are left out. Keep in step with confpass.h. */
#ifndef CONFPASS_H
#define CONFPASS_H

#include <stddef.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/types.h>
#include <unistd.h>

#define private
#define CONF_RETURNS_PRIVATE
#define CONF_PRIVATE_ARGS(...)
#define CONFPASS_VIOLATION_EXIT 86
#define CONFPASS_SETUP_EXIT 87

static inline void *conf_malloc(size_t n) { return malloc(n); }
static inline void *conf_calloc(size_t n, size_t size) { return calloc(n, size); }
static inline void *conf_realloc(void *p, size_t n) { return realloc(p, n); }
static inline void conf_free(void *p) { free(p); }

static inline void conf__release_buffer(void *slot) { free(*(void **)slot); }
#define CONF_PRIVATE_BUFFER(type, name, count) \
    type *name __attribute__((cleanup(conf__release_buffer))) = (type *)calloc((count), sizeof(type))

static inline ssize_t conf_read_private(int fd, void *buf, size_t n) { return read(fd, buf, n); }
static inline ssize_t conf_recv_private(int fd, void *buf, size_t n, int flags) { return recv(fd, buf, n, flags); }

static inline int conf_declassify_int(int v) { return v; }
static inline long conf_declassify_long(long v) { return v; }
static inline unsigned long conf_declassify_ulong(unsigned long v) { return v; }
static inline double conf_declassify_double(double v) { return v; }
static inline void conf_declassify_bytes(void *dst, const void *src, size_t n) { memcpy(dst, src, n); }

#endif /* CONFPASS_H */
