/* A public struct is public memory field by field: copying a private token into one of its
 * integer fields is a leak even though the other fields are harmless. */
#include <confpass.h>

private unsigned auth_token;

struct session {
    int user_id;
    unsigned token;
};

struct session current;

void open_session(int uid) {
    current.user_id = uid;
    current.token = auth_token; //~ ERROR private-to-public-store
}
