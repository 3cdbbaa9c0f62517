/* memcpy between public buffers with a length taken from private data: how many bytes land in
 * the public destination reveals the length (policy: arg3 -> *arg1). */
#include <string.h>
#include <confpass.h>

private unsigned secret_len;
char banner[64];
const char stars[64] = "****************************************************************";

void draw_mask(void) {
    memcpy(banner, stars, secret_len & 63); //~ ERROR private-to-public-store
}
