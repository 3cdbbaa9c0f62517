/* A callback hijacked to a function of another taint signature: the profile page keeps the
 * user's display name (decoded from hex input of any length) right before the hook that
 * renders the page's footer into a public buffer, `size_t render(char *out, size_t cap)`. A
 * 24-byte name overwrites the hook with the address of `load_api_key`, the key store's loader,
 * which fills a *private* buffer with the API key: `size_t (private char *out, size_t cap)`.
 * The program itself keeps that loader's address in writable memory (the key store it picks
 * at run time), so it is a legitimate indirect-call target, and the attacker finds its address
 * there. The plain build calls the loader with the public footer buffer, and the footer it
 * prints is the API key. confcc's control-flow integrity hashes the taint signature into each
 * target's KCFI id: the loader's id says "parameter 0 is private", the footer's call site
 * passes a public buffer and expects "no private parameter", so the call stops with
 * cfi-indirect-call before the loader runs. argv[1]: the name's first 16 bytes, in hex
 * ("mallory"); `--backup-key` as argv[2] would pick the backup key. */
// attack-secret: S3CR3T-sig-71c4
// run-args: 6d616c6c6f7279000000000000000000
// expect-exit: 86
// expect-stdout: request signed: tag ok
// expect-stderr-contains: confpass: violation: cfi-indirect-call
#include <confpass.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

private char api_key[24] = "S3CR3T-sig-71c4";
private char backup_key[24] = "backup-key-0000";

/* The key store: where the signing key comes from, chosen at start-up. */
static size_t load_api_key(private char *out, size_t cap) {
    size_t n = cap < sizeof api_key ? cap : sizeof api_key;
    for (size_t i = 0; i < n; i++) out[i] = api_key[i];
    return n;
}
static size_t load_backup_key(private char *out, size_t cap) {
    size_t n = cap < sizeof backup_key ? cap : sizeof backup_key;
    for (size_t i = 0; i < n; i++) out[i] = backup_key[i];
    return n;
}
struct keystore {
    size_t (*load)(private char *out, size_t cap);
};
static struct keystore store;

/* Signs a request; the key never leaves private memory, only the tag's check is public. */
static int sign_request(const char *msg) {
    CONF_PRIVATE_BUFFER(char, key, 24);
    if (!key) return 0;
    size_t n = store.load(key, 24);
    unsigned h = 2166136261u;
    for (size_t i = 0; i < n; i++) h = (h ^ (unsigned char)key[i]) * 16777619u;
    for (const char *p = msg; *p; p++) h = (h ^ (unsigned char)*p) * 16777619u;
    return conf_declassify_int(h != 0);
}

static size_t render_footer(char *out, size_t cap) {
    return (size_t)snprintf(out, cap, "powered by kiosk 2.1");
}

struct profile {
    char name[16];
    size_t (*render)(char *out, size_t cap);
};

static int hexval(char c) {
    return c >= '0' && c <= '9' ? c - '0' : c >= 'a' && c <= 'f' ? c - 'a' + 10 : 0;
}

static void show_profile(const char *hex_name) {
    struct profile p = {"", render_footer};
    size_t n = strlen(hex_name) / 2;
    for (size_t i = 0; i < n; i++) /* BUG: N is not checked against sizeof p.name */
        p.name[i] = (char)(hexval(hex_name[2 * i]) << 4 | hexval(hex_name[2 * i + 1]));
    char footer[32] = "";
    p.render(footer, sizeof footer);
    printf("profile of %.16s\n-- %.31s\n", p.name, footer);
}

int main(int argc, char **argv) {
    if (argc < 2) return 2;
    store.load = argc > 2 && strcmp(argv[2], "--backup-key") == 0 ? load_backup_key : load_api_key;
    printf("request signed: tag %s\n", sign_request("GET /profile") ? "ok" : "bad");
    fflush(stdout);

    /* The attacker: argv[1], then the address of the key loader (the key store's hook, read
     * here through volatile reads, as an attacker reads it from a memory disclosure). */
    char hex[128];
    const volatile unsigned char *raw = (const volatile unsigned char *)&store.load;
    unsigned long target = 0;
    for (int i = 0; i < 8; i++) target |= (unsigned long)raw[i] << (8 * i);
    int k = snprintf(hex, sizeof hex, "%s", argv[1]);
    for (int i = 0; i < 8; i++) k += snprintf(hex + k, sizeof hex - (size_t)k, "%02lx", (target >> (8 * i)) & 0xff);
    show_profile(hex);
    return 0;
}
