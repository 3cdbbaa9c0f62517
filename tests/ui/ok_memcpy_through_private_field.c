/* memcpy of a private key into the private buffer that a public struct's field points to: the
 * destination pointer's type says private, so nothing public is written. */
#include <string.h>
#include <confpass.h>

struct credential {
    private char *pw;
    int len;
};

private char master_password[32];

void load_credential(struct credential *c) {
    memcpy(c->pw, master_password, sizeof master_password);
    c->len = sizeof master_password;
}
