// Prints numbered lines forever: under `| head -1` the Go runtime's own SIGPIPE rule ends it
// (test/linux/sigpipe.test.ts).
package main

import "fmt"

func main() {
	for i := 0; ; i++ {
		fmt.Println("line", i)
	}
}
