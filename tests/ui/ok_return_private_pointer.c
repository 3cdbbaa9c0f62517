/* A non-static function may return a pointer to private memory: the pointer value is public,
 * its type says where it points, and its callers can only store it or write private data
 * through it. */
#include <confpass.h>

private char vault[4][32];

private char *vault_slot(int i) {
    return vault[i & 3];
}

void clear_slot(int i) {
    private char *slot = vault_slot(i);
    for (int j = 0; j < 32; j++)
        slot[j] = 0;
}
