/* A bytecode interpreter keeps its register file's address in a local that its dispatch loop
 * carries (a phi), reloaded from the public VM struct after the file grows. The VM's name is
 * copied from client data without a bound, and the struct's next field is that address: a
 * 24-byte name ends with 8 bytes of the attacker's choosing, the license key's address (a
 * private global). The next program's registers are then the key, and PRINT shows them in
 * the plain build. confcc's mask flavour covers the carried address by band compares where
 * it is loaded (guards::BAND_SHIFT; no mask in the handlers), so the load stops the program;
 * the trap flavour compares the accesses. The attacker is assumed to know the key's address.
 * argv: a name, then the length of the malicious one. */
// attack-secret: S3CR3T-vm-5e21
// run-args: bob 24
// expect-exit: 86
// expect-stdout: vm bob: 42
// expect-stderr-contains: confpass: violation:
#include <confpass.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

private char license_key[32] = "S3CR3T-vm-5e21";

struct vm {
    char name[16];
    long *regs;
    int nregs;
};

enum { SET, ADD, SUB, MUL, XOR, AND, OR, SHL, GROW, PRINT, HALT };

struct op {
    unsigned char code;
    int a, b;
};

static void grow(struct vm *vm) {
    if (vm->nregs < 64) {
        long *r = realloc(vm->regs, 64 * sizeof *r);
        if (!r) exit(2);
        memset(r + vm->nregs, 0, (64 - vm->nregs) * sizeof *r);
        vm->regs = r;
        vm->nregs = 64;
    }
}

/* Prints a register's bytes up to the first zero byte. */
static void print_bytes(long v) {
    for (int k = 0; k < 8 && ((v >> (8 * k)) & 255); k++) putchar((int)((v >> (8 * k)) & 255));
}

static long run(struct vm *vm, const struct op *pc) {
    long *r = vm->regs;
    for (;;) {
        const struct op *o = pc++;
        switch (o->code) {
        case SET: r[o->a] = o->b; break;
        case ADD: r[o->a] += r[o->b]; break;
        case SUB: r[o->a] -= r[o->b]; break;
        case MUL: r[o->a] *= r[o->b]; break;
        case XOR: r[o->a] ^= r[o->b]; break;
        case AND: r[o->a] &= r[o->b]; break;
        case OR: r[o->a] |= r[o->b]; break;
        case SHL: r[o->a] <<= r[o->b] & 63; break;
        case GROW:
            grow(vm);
            r = vm->regs;
            break;
        case PRINT:
            print_bytes(r[o->a]);
            print_bytes(r[o->b]);
            putchar('\n');
            break;
        case HALT: return r[o->a];
        }
    }
}

static void set_name(struct vm *vm, const char *data, size_t len) {
    memcpy(vm->name, data, len); /* BUG: LEN is not checked against sizeof vm->name */
}

int main(int argc, char **argv) {
    if (argc < 3) return 2;
    struct vm vm = {"", calloc(8, sizeof(long)), 8};
    set_name(&vm, argv[1], strlen(argv[1]) + 1);
    const struct op sum[] = {{SET, 0, 40}, {GROW, 0, 0}, {SET, 1, 2}, {ADD, 0, 1}, {HALT, 0, 0}};
    printf("vm %s: %ld\n", vm.name, run(&vm, sum));
    fflush(stdout);

    /* The attacker: a name of argv[2] bytes whose last 8 are the key's address. */
    size_t len = strtoul(argv[2], NULL, 10);
    char payload[64];
    unsigned long target = (unsigned long)(uintptr_t)license_key;
    if (len < sizeof target || len > sizeof payload) return 2;
    memset(payload, 'A', len);
    memcpy(payload + len - sizeof target, &target, sizeof target);
    set_name(&vm, payload, len);

    const struct op leak[] = {{GROW, 0, 0}, {PRINT, 0, 1}, {HALT, 0, 0}};
    run(&vm, leak);
    return 0;
}
