/* A non-static function returning a small struct (returned in registers) copied from private
 * memory returns private data. */
#include <confpass.h>

struct pin_pair {
    int old_pin;
    int new_pin;
};

private struct pin_pair pins;

struct pin_pair get_pins(void) {
    return pins; //~ ERROR private-return
}
