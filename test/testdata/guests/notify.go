// signal.Notify for the signals a shell or terminal sends: prints each, shuts down on SIGTERM
// with its deferred cleanup (test/linux/hostsignals.test.ts).
package main

import (
	"fmt"
	"os"
	"os/signal"
	"syscall"
)

func main() {
	c := make(chan os.Signal, 1)
	signal.Notify(c, syscall.SIGHUP, syscall.SIGINT, syscall.SIGUSR1, syscall.SIGUSR2, syscall.SIGALRM, syscall.SIGWINCH, syscall.SIGTERM)
	defer fmt.Println("deferred cleanup ran")
	fmt.Println("ready")
	for s := range c {
		fmt.Println("got", s)
		if s == syscall.SIGTERM {
			fmt.Println("shutting down")
			return
		}
	}
}
