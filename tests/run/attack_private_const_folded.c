/* A private constant that the optimiser folded into code: the program compares a guess with
 * its 8-byte key, a constant array whose word clang -O2 turns into the immediate of a 64-bit
 * compare. An over-read that sweeps the executable's readable mappings (its
 * code included, as a memory-disclosure bug can) finds the key in the instruction. The plain
 * build folds the same way. confcc pins private globals before any optimisation (not
 * constant, in `llvm.compiler.used`), so their values are never folded into public code or
 * constants and live only in the private region. The sweep must find nothing. Found while
 * checking a limit noted on 2026-12-07. */
// attack-secret: S3CR3Tk9
// expect-stdout: access denied
// expect-stdout: swept
// trap-exit: 0
#include <confpass.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static private const char key[8] = {'S', '3', 'C', 'R', '3', 'T', 'k', '9'};

__attribute__((noinline)) static int check(const char *guess) {
    unsigned long g = 0, k;
    memcpy(&g, guess, strnlen(guess, 8));
    memcpy(&k, key, sizeof k);
    return conf_declassify_int(g == k);
}

int main(int argc, char **argv) {
    (void)argc;
    printf("%s\n", check(argv[0]) ? "welcome" : "access denied");
    char self[512];
    ssize_t n = readlink("/proc/self/exe", self, sizeof self - 1);
    if (n <= 0) return 2;
    self[n] = 0;
    /* What the attacker looks for, made at run time (a literal would itself be in the image). */
    char needle[7];
    for (int i = 0; i < 6; i++) needle[i] = (char)("T4DS4U"[i] - 1);
    needle[6] = 0;
    FILE *maps = fopen("/proc/self/maps", "r");
    if (!maps) return 2;
    char line[512];
    while (fgets(line, sizeof line, maps)) {
        unsigned long lo, hi;
        char perms[8], path[256] = "";
        if (sscanf(line, "%lx-%lx %7s %*s %*s %*s %255s", &lo, &hi, perms, path) < 3) continue;
        if (strcmp(path, self) != 0 || perms[0] != 'r') continue;
        /* The attacker's reads: every byte of the executable's readable mappings. */
        for (const char *p = (const char *)lo; p + 8 <= (const char *)hi; p++) {
            if (p[0] == 'S' && memcmp(p, needle, 6) == 0) {
                fwrite(p, 1, 8, stdout);
                putchar('\n');
                break;
            }
        }
    }
    fclose(maps);
    printf("swept\n");
    return 0;
}
