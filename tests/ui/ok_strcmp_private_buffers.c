/* strcmp and strncmp between private buffers give a private result, kept in private memory. */
#include <string.h>
#include <confpass.h>

private char stored_hash[65];
private char computed_hash[65];
private int hashes_match;
private int prefix_match;

void compare_hashes(void) {
    hashes_match = strcmp(stored_hash, computed_hash) == 0;
    prefix_match = strncmp(stored_hash, computed_hash, 8) == 0;
}
