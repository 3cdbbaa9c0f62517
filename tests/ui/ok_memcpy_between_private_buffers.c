/* memcpy and memmove between private buffers keep the data private. */
#include <string.h>
#include <confpass.h>

private unsigned char session_key[32];
private unsigned char key_backup[32];

void backup_key(void) {
    memcpy(key_backup, session_key, sizeof key_backup);
    memmove(session_key + 1, session_key, 16);
}
