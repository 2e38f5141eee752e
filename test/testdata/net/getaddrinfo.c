/* getaddrinfo: glibc's resolver (through ld.so, libc's DNS code and /etc/nsswitch.conf,
 * /etc/resolv.conf) for each name given; prints the addresses, sorted, or the error text.
 * test/linux/net.test.ts runs it chrooted and under rt0 --root against a stub nameserver. */
#include <arpa/inet.h>
#include <netdb.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

static int cmp(const void *a, const void *b) { return strcmp(*(char *const *)a, *(char *const *)b); }

int main(int argc, char **argv) {
  for (int i = 1; i < argc; i++) {
    struct addrinfo hints = {0}, *res, *p;
    hints.ai_family = AF_UNSPEC;
    hints.ai_socktype = SOCK_STREAM;
    int rc = getaddrinfo(argv[i], NULL, &hints, &res);
    if (rc != 0) {
      printf("%s: %s\n", argv[i], gai_strerror(rc));
      continue;
    }
    char *out[64];
    int n = 0;
    for (p = res; p && n < 64; p = p->ai_next) {
      char buf[INET6_ADDRSTRLEN];
      const void *a = p->ai_family == AF_INET ? (const void *)&((struct sockaddr_in *)p->ai_addr)->sin_addr
                                              : (const void *)&((struct sockaddr_in6 *)p->ai_addr)->sin6_addr;
      inet_ntop(p->ai_family, a, buf, sizeof buf);
      out[n++] = strdup(buf);
    }
    freeaddrinfo(res);
    qsort(out, n, sizeof out[0], cmp);
    printf("%s:", argv[i]);
    for (int k = 0; k < n; k++) printf(" %s", out[k]);
    printf("\n");
  }
  return 0;
}
