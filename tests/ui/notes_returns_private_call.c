/* Flow path from a CONF_RETURNS_PRIVATE call: the result of an external function declared to
 * return private data is passed to exit. */
#include <stdlib.h>
#include <confpass.h>

CONF_RETURNS_PRIVATE int read_otp_code(void);

void fail_with_code(void) {
    int code = read_otp_code(); //~ NOTE the call returns private data here
    //~^ NOTE it is stored into a local variable here
    exit(code); //~ ERROR private-argument
}
