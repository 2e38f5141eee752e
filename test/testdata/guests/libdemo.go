// libdemo: the guest of rt0's library tests (test/lib). By its first argument:
//   spin    prints "spinning" and loops forever (an aborted run)
//   random  prints a number from math/rand and the clock (deterministic runs)
//   kill    kills itself with SIGTERM
//   else    prints its arguments, $GREETING and its standard input, writes that input
//           upper-cased to the file $OUT (when set) and reads it back, prints /in/data.txt
//           (when there), says "done" on stderr and exits with the number of arguments.
package main

import (
	"bytes"
	"fmt"
	"io"
	"math/rand"
	"os"
	"sync/atomic"
	"syscall"
	"time"
)

var counter atomic.Int64

func main() {
	mode := ""
	if len(os.Args) > 1 {
		mode = os.Args[1]
	}
	switch mode {
	case "spin":
		fmt.Println("spinning")
		for {
			counter.Add(1)
		}
	case "random":
		fmt.Println(rand.Int63(), time.Now().UnixNano())
		return
	case "kill":
		fmt.Println("killing myself")
		syscall.Kill(os.Getpid(), syscall.SIGTERM)
		time.Sleep(time.Hour)
	}
	fmt.Printf("args: %q\n", os.Args[1:])
	fmt.Printf("GREETING=%q\n", os.Getenv("GREETING"))
	in, err := io.ReadAll(os.Stdin)
	if err != nil {
		fmt.Println("stdin:", err)
	}
	fmt.Printf("stdin: %q\n", in)
	if out := os.Getenv("OUT"); out != "" {
		if err := os.WriteFile(out, bytes.ToUpper(in), 0o644); err != nil {
			fmt.Println("write:", err)
		}
		back, err := os.ReadFile(out)
		fmt.Printf("read back %s: %q %v\n", out, back, err)
	}
	if b, err := os.ReadFile("/in/data.txt"); err == nil {
		fmt.Printf("/in/data.txt: %q\n", b)
	}
	wd, _ := os.Getwd()
	fmt.Println("cwd:", wd)
	fmt.Fprintln(os.Stderr, "done")
	os.Exit(len(os.Args) - 1)
}
