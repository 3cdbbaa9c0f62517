/* An over-read that sweeps the program's own image: a memory-disclosure bug gives the attacker
 * reads of any public address, and the attacker walks every mapping of the executable (from
 * /proc/self/maps) looking for the key. The plain build has the key in its data; confcc moves
 * private globals into the private region at start-up, and its copy of their initial values,
 * which the binary carries, is wiped once copied. The sweep must find nothing. */
// attack-secret: S3CR3T-image-4711
// expect-stdout: swept
// trap-exit: 0
#include <confpass.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

private char license_key[32] = "S3CR3T-image-4711";

int main(void) {
    /* The program uses its key (a private comparison; its answer declassified). */
    int ok = conf_declassify_int(license_key[0] == 'S');
    char self[512];
    ssize_t n = readlink("/proc/self/exe", self, sizeof self - 1);
    if (n <= 0) return 2;
    self[n] = 0;
    /* What the attacker looks for, made at run time (a literal would itself be in the image). */
    char needle[14];
    for (int i = 0; i < 13; i++) needle[i] = (char)("T4DS4U.jnbhf."[i] - 1);
    needle[13] = 0;
    FILE *maps = fopen("/proc/self/maps", "r");
    if (!maps) return 2;
    char line[512];
    while (fgets(line, sizeof line, maps)) {
        unsigned long lo, hi;
        char perms[8], path[256] = "";
        if (sscanf(line, "%lx-%lx %7s %*s %*s %*s %255s", &lo, &hi, perms, path) < 3) continue;
        if (strcmp(path, self) != 0 || perms[0] != 'r') continue;
        /* The attacker's reads: every byte of the executable's readable mappings. */
        for (const char *p = (const char *)lo; p + 17 <= (const char *)hi; p++) {
            if (p[0] == 'S' && memcmp(p, needle, 13) == 0) {
                fwrite(p, 1, 17, stdout);
                putchar('\n');
                break;
            }
        }
    }
    fclose(maps);
    printf("swept\n");
    return ok ? 0 : 1;
}
