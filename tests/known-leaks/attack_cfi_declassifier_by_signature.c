/* A callback hijacked to a declassifying function of the same taint signature: the server
 * registers its command handlers at start-up in a registry on the heap (plugin style),
 * and its dispatcher lets only administrators run `export-key`, whose handler declassifies
 * and prints the export key. A session keeps the client's nickname (decoded from hex input of
 * any length) right before its greeting hook, of the handlers' type. A 24-byte nickname
 * overwrites the hook with the export handler's address (read from the registry, as an
 * attacker reads it from a memory disclosure), and the plain build prints the key to a guest.
 * So does every confcc build, trap included: once a declassifying function's address is
 * stored in writable memory, calls that the compiler cannot see may legitimately reach it, so
 * it gets its signature's KCFI id ("cfi-declassifiers-reachable-by-signature" in the
 * statistics, a limit that pass/src/instrument/cfi.rs documents), and a hijacked pointer of
 * the same signature passes the check. With the handlers in a constant table
 * (tests/run/attack_fnptr_hijack.c) the function keeps an id of its own and the hijack stops.
 * The expectations below are those of a fixed confpass. argv[1]: the nickname's first 16
 * bytes, in hex ("mallory"). */
// attack-secret: S3CR3T-reg-0c3e
// run-args: 6d616c6c6f7279000000000000000000
// expect-exit: 86
// expect-stdout: export-key: permission denied
// expect-stderr-contains: confpass: violation:
#include <confpass.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

private char export_key[24] = "S3CR3T-reg-0c3e";

static void cmd_hello(const char *who) { printf("hello %s\n", who); }
/* Administrators only (the dispatcher checks). */
static void cmd_export_key(const char *who) {
    char shown[24];
    conf_declassify_bytes(shown, export_key, sizeof shown);
    printf("export key for %s: %.23s\n", who, shown);
}

struct handler {
    struct handler *next;
    const char *name;
    int admin_only;
    void (*run)(const char *who);
};
static struct handler *registry;

static void register_handler(const char *name, int admin_only, void (*run)(const char *who)) {
    struct handler *h = malloc(sizeof *h);
    if (!h) exit(1);
    *h = (struct handler){registry, name, admin_only, run};
    registry = h;
}

static void dispatch(const char *name, const char *who, int admin) {
    for (struct handler *h = registry; h; h = h->next)
        if (strcmp(h->name, name) == 0) {
            if (h->admin_only && !admin) printf("%s: permission denied\n", name);
            else h->run(who);
        }
}

struct session {
    char nick[16];
    void (*greet)(const char *who);
};

static int hexval(char c) {
    return c >= '0' && c <= '9' ? c - '0' : c >= 'a' && c <= 'f' ? c - 'a' + 10 : 0;
}

static void login(const char *hex_nick) {
    struct session s = {"", cmd_hello};
    size_t n = strlen(hex_nick) / 2;
    for (size_t i = 0; i < n; i++) /* BUG: N is not checked against sizeof s.nick */
        s.nick[i] = (char)(hexval(hex_nick[2 * i]) << 4 | hexval(hex_nick[2 * i + 1]));
    s.greet(s.nick);
}

int main(int argc, char **argv) {
    if (argc < 2) return 2;
    register_handler("hello", 0, cmd_hello);
    register_handler("export-key", 1, cmd_export_key);
    dispatch("export-key", "guest", 0);
    fflush(stdout);

    /* The attacker: argv[1], then the export handler's address, read from the registry (the
     * last handler registered comes first). */
    char hex[128];
    const volatile unsigned char *raw = (const volatile unsigned char *)&registry->run;
    unsigned long target = 0;
    for (int i = 0; i < 8; i++) target |= (unsigned long)raw[i] << (8 * i);
    int k = snprintf(hex, sizeof hex, "%s", argv[1]);
    for (int i = 0; i < 8; i++) k += snprintf(hex + k, sizeof hex - (size_t)k, "%02lx", (target >> (8 * i)) & 0xff);
    login(hex);
    return 0;
}
