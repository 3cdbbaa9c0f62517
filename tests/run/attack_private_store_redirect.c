/* A private pointer redirected to public memory: a job keeps its label (16 bytes, decoded from
 * hex input of any length) right before the pointer to the private scratch buffer where the
 * signing key is staged. A 24-byte label overwrites that pointer with the address of the
 * mailbox, a public page mapped at a fixed address (known to the attacker, so no leak is
 * needed) whose contents the program prints. In the plain build the key is staged into the
 * mailbox and printed. confcc guards the staging copy as a private store: mask guards force
 * its address into the private region (the mailbox's offset lands in unused private heap), so
 * the mailbox stays clean; trap guards report it. argv: the label, in hex. */
// attack-secret: S3CR3T-redirect-b81d
// run-args: 414141414141414141414141414141410000005000600000
// expect-exit: 0
// expect-stdout: mailbox: no mail
#define _GNU_SOURCE
#include <confpass.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>

#define MAILBOX ((void *)0x600050000000UL)

private char signing_key[24] = "S3CR3T-redirect-b81d";

struct job {
    char label[16];
    private char *scratch; /* where the key is staged for signing */
};

static int hexval(char c) {
    return c >= '0' && c <= '9' ? c - '0' : c >= 'a' && c <= 'f' ? c - 'a' + 10 : 0;
}

static void set_label(struct job *j, const char *hex) {
    size_t n = strlen(hex) / 2;
    for (size_t i = 0; i < n; i++) /* BUG: N is not checked against sizeof j->label */
        j->label[i] = (char)(hexval(hex[2 * i]) << 4 | hexval(hex[2 * i + 1]));
}

int main(int argc, char **argv) {
    if (argc < 2) return 2;
    char *mailbox = mmap(MAILBOX, 4096, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED_NOREPLACE, -1, 0);
    if (mailbox != MAILBOX) {
        perror("mmap");
        return 1;
    }
    strcpy(mailbox, "no mail");

    struct job job;
    job.scratch = conf_malloc(sizeof signing_key);
    if (!job.scratch) return 1;
    set_label(&job, argv[1]);
    memcpy(job.scratch, signing_key, sizeof signing_key);
    printf("mailbox: %s\n", mailbox);
    memset(job.scratch, 0, sizeof signing_key);
    return 0;
}
