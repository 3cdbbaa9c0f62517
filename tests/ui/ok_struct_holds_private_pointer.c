/* A public struct holding a pointer to private memory: the struct itself is public memory,
 * but the pointer value is public (only what it points to is private), so storing it and the
 * public length is fine, and writes through the pointer go to private memory. */
#include <confpass.h>

struct credential {
    private char *pw;
    int len;
};

private char admin_password[32];
struct credential admin;

void init_admin(int len) {
    admin.pw = admin_password;
    admin.len = len;
    admin.pw[0] = 'x';
}
