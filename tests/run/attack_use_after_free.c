/* A use after free: `logout` frees the user's profile but the server keeps its pointer, and
 * the next message the client sends gets the same heap chunk (libc reuses it at once). The
 * message's bytes now overlay the stale profile, so its `bio` pointer is whatever the client
 * wrote: the attacker writes the address of the recovery code (kept in conf_malloc memory)
 * and asks to see the profile again. Plain clang prints the code; confcc finds the stale
 * pointer aimed at the private heap and stops the program. The attacker is assumed to know
 * the code's address (the private heap lies at a fixed address). */
// attack-secret: S3CR3T-uaf-c2d7
// run-args: alice
// expect-exit: 86
// expect-stdout: alice: likes cats
// expect-stdout: bye
// expect-stderr-contains: confpass: violation:
#include <confpass.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

private char recovery_init[24] = "S3CR3T-uaf-c2d7";

struct profile {
    const char *bio;
    char name[24];
};

static struct profile *current;
static char *inbox[8];
static int received;

static void show_profile(void) {
    printf("%s: %s\n", current->name, current->bio);
    fflush(stdout);
}

static int hexval(char c) {
    return c >= '0' && c <= '9' ? c - '0' : c >= 'a' && c <= 'f' ? c - 'a' + 10 : 0;
}

/* A message arrives hex-encoded; it is kept in the inbox, in a buffer of its own. */
static void receive(const char *hex) {
    size_t n = strlen(hex) / 2;
    char *msg = malloc(sizeof(struct profile));
    if (!msg || n > sizeof(struct profile)) exit(1);
    for (size_t i = 0; i < n; i++)
        msg[i] = (char)(hexval(hex[2 * i]) << 4 | hexval(hex[2 * i + 1]));
    inbox[received++ % 8] = msg;
}

int main(int argc, char **argv) {
    if (argc < 2) return 2;
    private char *recovery = conf_malloc(24);
    if (!recovery) return 1;
    memcpy(recovery, recovery_init, sizeof recovery_init);

    current = malloc(sizeof *current);
    if (!current) return 1;
    current->bio = "likes cats";
    snprintf(current->name, sizeof current->name, "%s", argv[1]);
    show_profile();
    free(current); /* logout. BUG: `current` is not cleared */
    puts("bye");
    fflush(stdout);

    /* The attacker: a message whose first 8 bytes are the code's address, then a name. */
    char hex[2 * sizeof(struct profile) + 1];
    unsigned long target = (unsigned long)(uintptr_t)recovery;
    size_t k = 0;
    for (int i = 0; i < 8; i++) k += (size_t)snprintf(hex + k, sizeof hex - k, "%02lx", (target >> (8 * i)) & 0xff);
    for (const char *s = "mallory"; *s; s++) k += (size_t)snprintf(hex + k, sizeof hex - k, "%02x", *s);
    snprintf(hex + k, sizeof hex - k, "00");
    receive(hex);

    show_profile(); /* BUG: the stale pointer now reads the message */
    return 0;
}
