/* A callback hijacked to a command that declassifies through a helper: the same attack as
 * tests/run/attack_fnptr_hijack.c (the session's nickname, decoded from hex input of any
 * length, overflows into its login callback, and the attacker aims the callback at the
 * admin-only `recovery` command from the constant command table), except that the command does
 * not call conf_declassify_bytes itself: it logs the request and calls a shared helper,
 * `show_recovery_code`, that declassifies and prints the code (noinline here stands for a
 * helper in another file or one too big to inline; the program is attack_fnptr_hijack.c with
 * DECLASSIFY_IN_HELPER). The plain build prints the code to a guest.
 * confcc counts a function as declassifying when it, or anything it calls directly in the
 * same file (transitively), declassifies: the command gets a KCFI id of its own and the
 * hijacked callback stops with `cfi-indirect-call`. (A helper in another file is not seen:
 * a known limit.) argv[1]: the nickname's first 16 bytes, in hex ("mallory"). */
// attack-secret: S3CR3T-wrp-6e21
// run-args: 6d616c6c6f7279000000000000000000
// expect-exit: 86
// expect-stdout: commands: help echo recovery
// expect-stderr-contains: confpass: violation:
#define RECOVERY_CODE "S3CR3T-wrp-6e21"
#define DECLASSIFY_IN_HELPER 1
#include "attack_fnptr_hijack.c"
