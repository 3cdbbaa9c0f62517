/* A loop whose trip count is a private value and whose body increments a public counter: the
 * final count reveals the secret. */
#include <confpass.h>

private int secret_rounds;
unsigned long work_done;

void run_rounds(void) {
    for (int i = 0; i < secret_rounds; i++)
        work_done++; //~ ERROR implicit-flow
}
