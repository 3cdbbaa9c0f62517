/* A thread's spilled secret, read through a frame address the program logs. One unchecked
 * index into a public table, driven by the attacker, who knows the binary: under confcc (the
 * code before the fix) the runtime kept its record of each running thread's native stack in
 * the executable's public data, so the attacker rewrote the first thread's record with the
 * address of a public buffer; pthread_join gave that "stack" back to the pool and the next
 * thread ran on it, spilling its private values into public memory. The plain build needs no
 * such step: thread stacks are public memory. The attacker then reads below the logged frame
 * address. confcc keeps the runtime's state in the runtime region, out of reach of any
 * compiled access: the record is not found, the second thread runs on its native stack, and
 * the read of its frame is a public access to the protected region. Found by a review on
 * 2026-12-07. */
// attack-secret: S3CR3T-p
// expect-stdout: second runs
// expect-exit: 86
// expect-stderr-contains: confpass: violation: public-access
#include <confpass.h>
#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

private char key[8];
/* The key's source (read from a volatile, so that no build folds the key into code). */
static volatile char sealed_key[9] = "T4DS4U.q";
unsigned long table[4];
static volatile int go;
static void *volatile frame;

__attribute__((noinline)) static void *first(void *arg) { return arg; }

__attribute__((noinline)) static void *second(void *arg) {
    (void)arg;
    unsigned long a; /* private, held across calls into libc: spilled or saved on the stack */
    memcpy(&a, key, 8);
    memset(key, 0, sizeof key); /* read once */
    frame = __builtin_frame_address(0);
    printf("second runs\n");
    fflush(stdout);
    while (!go) usleep(1000);
    return (void *)(uintptr_t)conf_declassify_ulong((a * 0x9E3779B97F4A7C15ul) >> 61);
}

/* The attacker's knowledge of the binary: the word holding the first thread's native stack,
 * next to its thread id, in the executable's writable data. */
static uintptr_t *find_record(pthread_t t) {
    char self[512];
    ssize_t n = readlink("/proc/self/exe", self, sizeof self - 1);
    if (n <= 0) return NULL;
    self[n] = 0;
    FILE *maps = fopen("/proc/self/maps", "r");
    if (!maps) return NULL;
    char line[512];
    unsigned long end_of_self = 0;
    uintptr_t *found = NULL;
    while (!found && fgets(line, sizeof line, maps)) {
        unsigned long lo, hi;
        char perms[8], path[256] = "";
        if (sscanf(line, "%lx-%lx %7s %*s %*s %*s %255s", &lo, &hi, perms, path) < 3) continue;
        /* The executable's writable data, and its .bss past the file's last page. */
        int ours = strcmp(path, self) == 0 || (path[0] == 0 && lo == end_of_self);
        if (ours) end_of_self = hi;
        if (!ours || perms[0] != 'r' || perms[1] != 'w') continue;
        for (uintptr_t *p = (uintptr_t *)lo; p + 2 <= (uintptr_t *)hi && !found; p++)
            if (p[0] == (uintptr_t)t && p[1] >= 0x100c00000000ul && p[1] < 0x101000000000ul) found = p + 1;
    }
    fclose(maps);
    return found;
}

int main(void) {
    for (int i = 0; i < 8; i++) key[i] = (char)(sealed_key[i] - 1);
    size_t size = 16 << 20;
    unsigned char *pub = aligned_alloc(4096, size);
    memset(pub, 0, size);
    pthread_t t;
    pthread_create(&t, NULL, first, NULL);
    uintptr_t *record = find_record(t);
    if (record) {
        long slot = (long)((uintptr_t)record - (uintptr_t)table) / 8;
        table[slot] = (uintptr_t)pub; /* BUG: the slot is not checked */
    }
    pthread_join(t, NULL);
    pthread_create(&t, NULL, second, NULL);
    while (!frame) usleep(1000);
    usleep(50000);
    /* The attacker's read: the 64 KiB below the logged frame address. */
    const unsigned char *f = (const unsigned char *)frame;
    for (size_t i = 0; i < (64 << 10); i++)
        if (memcmp(f - i, "S3CR3T", 6) == 0) {
            printf("found on the thread's stack: %.8s\n", (const char *)(f - i));
            break;
        }
    go = 1;
    pthread_join(t, NULL);
    return 0;
}
