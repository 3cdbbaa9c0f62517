/* The attack of attack_cfi_return_overwrite.c (an overflow of a private stack buffer that
 * writes a chain of return addresses over the frame) against the default mode. The buffer is a
 * private local whose address escapes (to memcpy), so confcc keeps it at its native slot's
 * mirror in private data, the lower half of the private region; the native stack, with the
 * return addresses, is in the upper half, which no guarded store reaches. The overflow is no
 * violation (it stays in private data: the range check of the copy passes), it only overwrites
 * the rest of the mirror; the check returns normally, the PIN stays wrong, the admin command
 * is refused. The plain build prints the PIN, as in the other test. */
// attack-secret: S3CR3T-ret-9d27
// run-args: 30303030303030303030303030303030
// expect-stdout: pin: wrong
// expect-stdout: status: up
// expect-stdout: pin: wrong
// trap-exit: 0
#include "attack_cfi_return_overwrite.c"
