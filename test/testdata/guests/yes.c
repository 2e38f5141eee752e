// Writes "y" lines forever, ignoring write errors: `| head -1` ends it by SIGPIPE alone
// (test/linux/sigpipe.test.ts).
#include <unistd.h>
int main(void) { for (;;) write(1, "y\n", 2); }
