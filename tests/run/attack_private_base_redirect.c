/* One unchecked index into a public table of counters, driven by the attacker, who knows the
 * binary. The plain build keeps its private globals as ordinary data: the attacker finds them
 * by the (public) message of the day and points the program's banner at the key stored next
 * to it. Under confcc they live in the private region, and the module reaches them through one
 * pointer, `__confpass.base`, in the executable's writable data: the attacker finds it (the
 * only word there that points into the private globals area) and moves it by the distance
 * from the message to the key, so that the declassified message of the day is the key.
 * confcc keeps that pointer alone in a page that the runtime makes read-only before main: the
 * write faults and is reported. Found by a review on 2026-12-07. */
// attack-secret: S3CR3T-base-redirect-77
// expect-exit: 86
// expect-stderr-contains: confpass: violation: public-access to the addresses of private globals
#include <confpass.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static private struct {
    char motd[32];
    char api_key[32];
} conf = {"welcome, have a nice day", "S3CR3T-base-redirect-77"};
const char *banner = "hello";
unsigned long counters[4];

__attribute__((noinline)) static void show(void) {
    char shown[32];
    conf_declassify_bytes(shown, conf.motd, sizeof shown); /* the motd is meant to be public */
    printf("motd: %.31s\nbanner: %s\n", shown, banner);
}

/* The attacker's knowledge of the binary: where to write, and what. */
static int plan(uintptr_t *where, uintptr_t *what) {
    char self[512];
    ssize_t n = readlink("/proc/self/exe", self, sizeof self - 1);
    if (n <= 0) return 0;
    self[n] = 0;
    FILE *maps = fopen("/proc/self/maps", "r");
    if (!maps) return 0;
    char line[512];
    unsigned long end_of_self = 0;
    int found = 0;
    while (!found && fgets(line, sizeof line, maps)) {
        unsigned long lo, hi;
        char perms[8], path[256] = "";
        if (sscanf(line, "%lx-%lx %7s %*s %*s %*s %255s", &lo, &hi, perms, path) < 3) continue;
        /* The executable's writable data, and its .bss past the file's last page. */
        int ours = strcmp(path, self) == 0 || (path[0] == 0 && lo == end_of_self);
        if (ours) end_of_self = hi;
        if (!ours || perms[0] != 'r') continue;
        for (uintptr_t p = lo; p + 32 <= hi && !found; p += 8) {
            uintptr_t w = *(const uintptr_t *)p;
            if (perms[1] == 'w' && memcmp((const char *)p, "welcome, have", 13) == 0) {
                *where = (uintptr_t)&banner, *what = p + 32; /* plain: the key follows the motd */
                found = 1;
            } else if (w >= 0x100000010000ul && w < 0x100040000000ul) {
                *where = p, *what = w + 32; /* confcc: the module's base */
                found = 1;
            }
        }
    }
    fclose(maps);
    return found;
}

int main(void) {
    show();
    uintptr_t where, what;
    if (!plan(&where, &what)) return 2;
    long slot = (long)(where - (uintptr_t)counters) / 8;
    counters[slot] = what; /* BUG: the slot is not checked */
    show();
    return 0;
}
