/* A callback hijacked to a function of the same C type but another taint: a text widget draws
 * its characters through a hook `int glyph(int i)`, and the widget's label (decoded from hex
 * input of any length) sits right before the hook. The PIN pad has a function of exactly the
 * same C type, `static int pin_digit(int i)`, marked CONF_RETURNS_PRIVATE: it returns a digit of
 * the stored PIN, and the PIN check calls it through a constant table of digit sources. A
 * 24-byte label overwrites the widget's hook with pin_digit's address, and the plain build
 * draws the stored PIN as the widget's text. C-type-based CFI (clang's -fsanitize=kcfi or
 * cfi-icall) would allow this call: the types match. confcc's KCFI ids hash the taint
 * signature, and pin_digit's says "returns private" while the widget's call site, whose
 * result is printed, expects a public result: the call stops with cfi-indirect-call. The
 * attacker is assumed to know pin_digit's address (from the binary; here it is read from the
 * constant table through volatile reads). argv[1]: the PIN to check, then the label's first 16
 * bytes in hex. */
// attack-secret: 8316047592
// run-args: 1234567890 77656c636f6d65000000000000000000
// expect-exit: 86
// expect-stdout: pin: wrong
// expect-stderr-contains: confpass: violation: cfi-indirect-call
#include <confpass.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#define PIN_LEN 10
private char stored_pin[PIN_LEN + 1] = "8316047592";
private char recovery_pin[PIN_LEN + 1] = "5550001111";

CONF_RETURNS_PRIVATE static int pin_digit(int i) { return stored_pin[i % PIN_LEN]; }
CONF_RETURNS_PRIVATE static int recovery_digit(int i) { return recovery_pin[i % PIN_LEN]; }

/* Where the PIN check takes the expected digits from (the recovery PIN after a reset). */
static int (*const digit_source[])(int i) = {pin_digit, recovery_digit};

static int check_pin(const char *typed, int source) {
    int diff = (int)strlen(typed) ^ PIN_LEN;
    for (int i = 0; i < PIN_LEN; i++) diff |= (typed[i] ^ digit_source[source](i)) & 0xff;
    return conf_declassify_int(diff == 0);
}

static const char title[] = "public kiosk";
static int title_glyph(int i) { return title[i % (int)(sizeof title - 1)]; }

struct widget {
    char label[16];
    int (*glyph)(int i);
};

static int hexval(char c) {
    return c >= '0' && c <= '9' ? c - '0' : c >= 'a' && c <= 'f' ? c - 'a' + 10 : 0;
}

static void draw(const char *hex_label) {
    struct widget w = {"", title_glyph};
    size_t n = strlen(hex_label) / 2;
    for (size_t i = 0; i < n; i++) /* BUG: N is not checked against sizeof w.label */
        w.label[i] = (char)(hexval(hex_label[2 * i]) << 4 | hexval(hex_label[2 * i + 1]));
    char text[PIN_LEN + 1];
    for (int i = 0; i < PIN_LEN; i++) text[i] = (char)w.glyph(i);
    text[PIN_LEN] = 0;
    printf("[%.16s] %s\n", w.label, text);
}

int main(int argc, char **argv) {
    if (argc < 3) return 2;
    printf("pin: %s\n", check_pin(argv[1], argv[1][0] == '*') ? "ok" : "wrong");
    fflush(stdout);

    /* The attacker: argv[2], then the address of pin_digit, read from the binary (here: the
     * constant table's bytes, through volatile reads). */
    char hex[128];
    const volatile unsigned char *raw = (const volatile unsigned char *)&digit_source[0];
    unsigned long target = 0;
    for (int i = 0; i < 8; i++) target |= (unsigned long)raw[i] << (8 * i);
    int k = snprintf(hex, sizeof hex, "%s", argv[2]);
    for (int i = 0; i < 8; i++) k += snprintf(hex + k, sizeof hex - (size_t)k, "%02lx", (target >> (8 * i)) & 0xff);
    draw(hex);
    return 0;
}
