/* strncpy and strcat between private buffers write only private memory. */
#include <string.h>
#include <confpass.h>

private char username_secret[32];
private char password[32];
private char credential_line[96];

void build_credentials(void) {
    strncpy(credential_line, username_secret, 32);
    credential_line[32] = 0;
    strcat(credential_line, ":");
    strcat(credential_line, password);
}
