/* A corrupted flag: the viewer shows the first or the second page of a document (`second`, a
 * bool, picks it) through a pointer to the document. An overlong name overflows into both: the
 * pointer, set 255 pages below the license key (a private global), and the flag's byte, set to
 * 255. C says a bool holds 0 or 1, and the compiler tells the optimiser so (`!range`
 * metadata on the load), but memory holds whatever the attacker wrote: the page read is the
 * 255th, the key. The plain build prints it. confcc must not take the compiler's word for the
 * index's range when it decides how far an access lies from the pointer it checks. argv: a
 * name, the overflow's length. */
// attack-secret: S3CR3T-bool-77a0
// run-args: bob 25
// expect-exit: 86
// expect-stdout: hello bob
// expect-stdout: page: first page
// expect-stderr-contains: confpass: violation:
#include <confpass.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

private char license_key[32] = "S3CR3T-bool-77a0";

struct page {
    char text[1024];
};

struct document {
    struct page pages[2];
};

static struct document doc = {{{"first page"}, {"second page"}}};

/* The optimiser's trust in a bool is the bug's reach. At -O0 clang normalises a bool it loads
 * (`& 1`) and assumes nothing; there the field is the byte it holds, so that every build turns
 * to the same page. */
#ifdef __OPTIMIZE__
typedef bool page_flag;
#else
typedef unsigned char page_flag;
#endif

struct viewer {
    char name[16];
    struct document *doc;
    page_flag second;
};

static void set_name(struct viewer *v, const char *data, size_t len) {
    memcpy(v->name, data, len); /* BUG: LEN is not checked against sizeof v->name */
}

__attribute__((noinline)) void show(const struct viewer *v) {
    const long *words = (const long *)v->doc->pages[v->second].text;
    long out[2] = {words[0], words[1]};
    fputs("page: ", stdout);
    fwrite(out, 1, strnlen((const char *)out, sizeof out), stdout);
    putchar('\n');
}

int main(int argc, char **argv) {
    if (argc < 3) return 2;
    struct viewer v = {"", &doc, 0};
    set_name(&v, argv[1], strlen(argv[1]) + 1);
    printf("hello %s\n", v.name);
    show(&v);
    fflush(stdout);

    /* The attacker: 16 bytes of name, a document pointer 255 pages below the key, a flag of 255. */
    size_t len = strtoul(argv[2], NULL, 10);
    if (len != 16 + 8 + 1) return 2;
    char payload[64];
    unsigned long target = (unsigned long)(uintptr_t)license_key - 255 * sizeof(struct page);
    memset(payload, 'A', 16);
    memcpy(payload + 16, &target, 8);
    payload[24] = (char)255;
    set_name(&v, payload, len);
    show(&v);
    return 0;
}
