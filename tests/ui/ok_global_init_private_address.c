/* Globals initialised with the addresses of private globals hold private pointers: no cast
 * crosses the boundary, so they are allowed (as public globals and as struct fields). */
#include <confpass.h>

private char root_password[32];
private char api_token[64];

struct secret_ref {
    private char *data;
    int size;
};

private char *current_secret = root_password;
struct secret_ref secrets[2] = {
    {root_password, sizeof root_password},
    {api_token, sizeof api_token},
};
