/* secret_mover.c: the program of the memory-scan test (tests/scan.rs).
 *
 * It reads a 32-byte secret from the file named by argv[1] straight into the private heap
 * (conf_read_private) and moves it through every kind of private storage a program has:
 *   - a private global array (copied by a static function that takes private pointers);
 *   - a CONF_PRIVATE_BUFFER (byte by byte through a static function that takes private scalar
 *     values, and as 8-byte words through one that takes eight arguments, the last two of which
 *     the ABI passes on the stack);
 *   - a function that keeps the 25 8-byte windows of the secret live across a call, more
 *     values than there are registers, so that the compiler spills them to the stack;
 *   - a thread that copies it into a private heap block and then waits for release inside
 *     that function, holding the secret in its locals.
 * Main, inside the same function, stops itself with raise(SIGSTOP): the secret is then in
 * private memory and in the locals (and spill slots) of both threads. The test scans the
 * stopped process's memory. When it is continued (SIGCONT), the program checks every copy
 * against the original, prints "copies agree" and exits with status 0.
 *
 * The negative control compiles this file with plain clang and tests/scan/plain_confpass.h,
 * where `private` means nothing and conf_* are libc's functions. */
#include <confpass.h>
#include <fcntl.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#define N 32
#define WORDS (N - 8 + 1) /* the 8-byte windows of the secret */

private unsigned char secret_global[N];

/* Private pointers as arguments. */
__attribute__((noinline)) static void copy_private(private unsigned char *dst, const private unsigned char *src, int n) {
    for (int i = 0; i < n; i++) dst[i] = src[i];
}

/* Private scalars as arguments: returns `b`, by way of a mask. */
__attribute__((noinline)) static unsigned char combine(unsigned char b, unsigned char mask) {
    return (unsigned char)(b ^ mask);
}

/* Eight arguments: dst and a..e come in registers, f and g in the ABI's stack slots. */
__attribute__((noinline)) static void scatter8(private unsigned long *dst, unsigned long a, unsigned long b,
                                               unsigned long c, unsigned long d, unsigned long e,
                                               unsigned long f, unsigned long g) {
    dst[0] = a;
    dst[1] = b;
    dst[2] = c;
    dst[3] = d;
    dst[4] = e;
    dst[5] = f;
    dst[6] = g;
}

/* The little-endian 8-byte word at p (the compiler turns this into one load). */
static unsigned long word_at(const private unsigned char *p) {
    unsigned long w = 0;
    for (int i = 7; i >= 0; i--) w = w << 8 | p[i];
    return w;
}

static void word_to(private unsigned char *p, unsigned long w) {
    for (int i = 0; i < 8; i++) p[i] = (unsigned char)(w >> (8 * i));
}

/* Register pressure: every 8-byte window of the secret is live across the call to `wait`,
 * 25 values for 6 callee-saved registers, so most of them are spilled to the stack; they are
 * used only after the call, mixed into a hash (which needs each whole word). */
__attribute__((noinline)) static void hold_across_call(const private unsigned char *src, private unsigned long *hash,
                                                       void (*wait)(void *), void *arg) {
#define LOAD(k) unsigned long w##k = word_at(src + k);
#define MIX(k) h = h * 1000003 + w##k;
#define ALL(X) X(0) X(1) X(2) X(3) X(4) X(5) X(6) X(7) X(8) X(9) X(10) X(11) X(12) X(13) X(14) \
               X(15) X(16) X(17) X(18) X(19) X(20) X(21) X(22) X(23) X(24)
    ALL(LOAD)
    wait(arg);
    unsigned long h = 0;
    ALL(MIX)
    *hash = h;
#undef LOAD
#undef MIX
#undef ALL
}

/* The same hash, computed directly. */
static unsigned long hash_windows(const private unsigned char *src) {
    unsigned long h = 0;
    for (int k = 0; k < WORDS; k++) h = h * 1000003 + word_at(src + k);
    return h;
}

struct handoff {
    const private unsigned char *src;
    private unsigned char *dst;
    private unsigned long *hash;
    pthread_mutex_t lock;
    pthread_cond_t cond;
    int waiting, released;
};

/* Called by the thread with the words of the secret live: says so, then waits for release. */
static void wait_for_release(void *arg) {
    struct handoff *h = arg;
    pthread_mutex_lock(&h->lock);
    h->waiting = 1;
    pthread_cond_broadcast(&h->cond);
    while (!h->released) pthread_cond_wait(&h->cond, &h->lock);
    pthread_mutex_unlock(&h->lock);
}

/* The thread: copies the secret into private memory, then holds it in its locals. */
static void *copier(void *arg) {
    struct handoff *h = arg;
    copy_private(h->dst, h->src, N);
    hold_across_call(h->dst, h->hash, wait_for_release, h);
    return NULL;
}

static void stop(void *arg) {
    (void)arg;
    raise(SIGSTOP);
}

/* Whether a and b hold the same n bytes. (memcmp's result is declassified before the
 * comparison: `memcmp(private, private, n) == 0` itself breaks -flto builds, an LLVM bug, see
 * tests/run-pending/memcmp_private_equal.c.) */
static int same(const private unsigned char *a, const private unsigned char *b, int n) {
    return conf_declassify_int(memcmp(a, b, (size_t)n)) == 0;
}

int main(int argc, char **argv) {
    if (argc != 2) {
        fprintf(stderr, "usage: %s SECRET-FILE\n", argv[0]);
        return 2;
    }
    int fd = open(argv[1], O_RDONLY);
    if (fd < 0) {
        perror(argv[1]);
        return 2;
    }
    private unsigned char *from_file = conf_malloc(N);
    if (from_file == NULL || conf_read_private(fd, from_file, N) != N) {
        fprintf(stderr, "cannot read %d bytes from %s\n", N, argv[1]);
        return 2;
    }
    close(fd);

    /* A private global. */
    copy_private(secret_global, from_file, N);

    /* A private local buffer, byte by byte through private scalar arguments. */
    CONF_PRIVATE_BUFFER(unsigned char, local, N);
    if (local == NULL) return 2;
    for (int i = 0; i < N; i++) {
        unsigned char mask = (unsigned char)(0x5a + 13 * i);
        local[i] = combine(combine(secret_global[i], mask), mask);
    }

    /* Words through eight arguments (the last ones on the stack). */
    private unsigned long *words = conf_malloc(8 * sizeof(unsigned long));
    if (words == NULL) return 2;
    scatter8(words, word_at(local), word_at(local + 8), word_at(local + 16), word_at(local + 24),
             word_at(local + 1), word_at(local + 9), word_at(local + 17));
    private unsigned char *from_words = conf_malloc(N);
    if (from_words == NULL) return 2;
    for (int k = 0; k < 4; k++) word_to(from_words + 8 * k, words[k]);

    /* A thread copies it into the private heap and holds it in its locals. */
    struct handoff h = {.src = from_words, .dst = conf_calloc(N, 1), .hash = conf_calloc(1, sizeof(long))};
    if (h.dst == NULL || h.hash == NULL) return 2;
    pthread_mutex_init(&h.lock, NULL);
    pthread_cond_init(&h.cond, NULL);
    pthread_t t;
    if (pthread_create(&t, NULL, copier, &h) != 0) return 2;
    pthread_mutex_lock(&h.lock);
    while (!h.waiting) pthread_cond_wait(&h.cond, &h.lock);
    pthread_mutex_unlock(&h.lock);

    /* Register pressure in main too, and the stop. */
    private unsigned long *hash = conf_calloc(1, sizeof(long));
    if (hash == NULL) return 2;
    hold_across_call(h.dst, hash, stop, NULL);

    pthread_mutex_lock(&h.lock);
    h.released = 1;
    pthread_cond_broadcast(&h.cond);
    pthread_mutex_unlock(&h.lock);
    pthread_join(t, NULL);

    unsigned long expected = hash_windows(from_file);
    int ok = same(secret_global, from_file, N) && same(local, from_file, N) &&
             same(from_words, from_file, N) && same(h.dst, from_file, N) &&
             conf_declassify_int(*hash == expected) && conf_declassify_int(*h.hash == expected);
    puts(ok ? "copies agree" : "copies differ");
    conf_free(from_file);
    conf_free(words);
    conf_free(from_words);
    conf_free(h.dst);
    conf_free(h.hash);
    conf_free(hash);
    return ok ? 0 : 1;
}
