/* A bytecode interpreter dispatches with `goto *handlers[op & 7]`: the mask keeps the index
 * within eight entries, but the table has six. The next constant in memory is the same
 * function's admin table, whose first entry is the handler that reveals the vault code (used
 * only after the PIN check passed). Bytecode from the network with opcode 6 reads admin[0]
 * through handlers[6] and jumps to the reveal handler: the plain build prints the code. In the
 * confcc build the dispatch table is padded to the index's whole range (0..7) with a report
 * block, so opcode 6 stops the program with cfi-indirect-branch and the dispatch needs no
 * bounds check. argv[1]: a PIN; the program then runs an ordinary program and the attack. */
// attack-secret: VAULT-77c1-e9d2
// run-args: 0000
// expect-exit: 86
// expect-stdout: result 7
// expect-stderr-contains: confpass: violation: cfi-indirect-branch
#include <confpass.h>
#include <stdio.h>
#include <string.h>

private char vault_code[16] = "VAULT-77c1-e9d2";
private char vault_pin[5] = "4321";

enum { OP_PUSH, OP_ADD, OP_PRINT, OP_HALT, OP_NOP, OP_DUP };

__attribute__((noinline)) static int pin_ok(const char *typed) {
    int diff = (int)strlen(typed) ^ 4;
    for (int i = 0; i < 4; i++) diff |= typed[i] ^ vault_pin[i];
    return conf_declassify_int(diff == 0);
}

__attribute__((noinline)) static void run(const unsigned char *code, int n, int unlocked) {
    static void *const handlers[6] = {&&op_push, &&op_add, &&op_print, &&op_halt, &&op_nop, &&op_dup};
    static void *const admin[2] = {&&op_reveal, &&op_halt};
    long stack[16];
    int sp = 0, pc = 0;
    if (unlocked) goto *admin[unlocked - 1];
#define NEXT() do { if (pc >= n) return; goto *handlers[code[pc++] & 7]; } while (0)
    NEXT();
op_push:
    if (sp < 16 && pc < n) stack[sp++] = code[pc++];
    NEXT();
op_add:
    if (sp >= 2) { stack[sp - 2] += stack[sp - 1]; sp--; }
    NEXT();
op_dup:
    if (sp >= 1 && sp < 16) { stack[sp] = stack[sp - 1]; sp++; }
    NEXT();
op_print:
    if (sp >= 1) printf("result %ld\n", stack[sp - 1]);
    fflush(stdout);
    NEXT();
op_nop:
    NEXT();
op_reveal: {
    char out[16];
    conf_declassify_bytes(out, vault_code, sizeof out);
    printf("vault code: %.15s\n", out);
    fflush(stdout);
}
op_halt:
    return;
}

int main(int argc, char **argv) {
    if (argc < 2) return 2;
    const unsigned char ordinary[] = {OP_PUSH, 3, OP_PUSH, 4, OP_ADD, OP_PRINT, OP_HALT};
    run(ordinary, sizeof ordinary, pin_ok(argv[1]));
    /* The attacker's bytecode: opcode 6 is past the handler table. */
    const unsigned char attack[] = {OP_NOP, 6, OP_HALT};
    run(attack, sizeof attack, 0);
    return 0;
}
