// What a Go program learns of its standard input (issue 19, item 2), the checks real programs
// make before reading it (glow, gron, jq-likes: "is stdin piped, a file or a terminal?"): the
// mode and size os.Stdin.Stat() reports, what it reads, and seeking back to read it again.
package main

import (
	"fmt"
	"io"
	"os"
)

func main() {
	for _, f := range []*os.File{os.Stdin, os.Stdout} {
		st, err := f.Stat()
		if err != nil {
			fmt.Println(f.Name(), "stat:", err)
			continue
		}
		m := st.Mode()
		fmt.Printf("%s: mode %v, size %d, char device %v, named pipe %v, regular %v\n", f.Name(), m, st.Size(), m&os.ModeCharDevice != 0, m&os.ModeNamedPipe != 0, m.IsRegular())
	}
	data, err := io.ReadAll(os.Stdin)
	fmt.Printf("read %d bytes (%v): %q\n", len(data), err, data)
	off, err := os.Stdin.Seek(0, io.SeekStart)
	fmt.Printf("seek to the start: %d, %v\n", off, err)
	if err == nil {
		again, err := io.ReadAll(os.Stdin)
		fmt.Printf("read again %d bytes (%v)\n", len(again), err)
	}
}
