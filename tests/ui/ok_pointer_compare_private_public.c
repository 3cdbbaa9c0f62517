/* Comparing a pointer to private memory with a public pointer moves no data: the result is
 * public and may decide what is printed. */
#include <stdio.h>
#include <confpass.h>

private char key_a[16];
private char *active_key = key_a;

void report(const char *candidate, private char *k) {
    if (k == (private char *)candidate)
        puts("key aliases the public buffer");
    if (active_key == k)
        puts("key is active");
    if (k != 0)
        puts("key present");
}
