/* Private data used only in private places: no diagnostic, the compile succeeds. */
#include <confpass.h>

private char key[32];
private int counter;

void bump(private int *c) { *c += 1; }

void fill(private char *k, int n) {
    for (int i = 0; i < n && i < 32; i++) k[i] = (char)i;
}

int main(void) {
    fill(key, 32);
    bump(&counter);
    return 0;
}
