// A Go program without signal handlers that says "ready" and sleeps: the Go runtime's default
// actions and SIGQUIT's goroutine dump (test/linux/hostsignals.test.ts).
package main

import (
	"fmt"
	"time"
)

func main() {
	fmt.Println("ready")
	for {
		time.Sleep(time.Hour)
	}
}
