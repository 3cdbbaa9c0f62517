/* A loop with a public bound containing a branch on private data that only updates private
 * memory, followed (after the branch rejoins) by a public counter update: the counter's
 * update does not depend on the private branch. */
#include <confpass.h>

private unsigned char key[32];
private int zero_bytes;
int bytes_processed;

void scan_key(void) {
    for (int i = 0; i < 32; i++) {
        if (key[i] == 0)
            zero_bytes++;
        bytes_processed++;
    }
}
