/* Explicit casts across the private/public boundary, in code and in global initialisers. */
#include <confpass.h>
#include <stddef.h>

private char key[32];
char public_buf[32];

char *expose(void) {
    return (char *)key; //~ ERROR private-to-public-cast
}

void smuggle(char c) {
    private char *p = (private char *)public_buf; //~ ERROR public-to-private-cast
    p[0] = c;
}

void *through_void(private char *k) {
    void *v = (void *)k; //~ ERROR private-to-public-cast
    return v;
}

/* Comparing a private and a public pointer moves no data: allowed. */
int same(private char *k, char *p) {
    return k == (private char *)p;
}

char *leaked_at_startup = (char *)key; //~? ERROR private-to-public-cast
