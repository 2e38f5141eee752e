// memhog: a Go program that allocates 64 MiB blocks and keeps them until the runtime cannot get
// more memory from the kernel, and then dies with its own "fatal error: out of memory"
// (test/linux/limits.test.ts: natively under ulimit -v, and under rt0 run --memory-limit).
package main

import (
	"fmt"
	"os"
)

var keep [][]byte

func main() {
	for i := 1; ; i++ {
		keep = append(keep, make([]byte, 64<<20))
		if i%4 == 0 {
			fmt.Fprintln(os.Stdout, "allocated", i*64, "MiB")
		}
	}
}
