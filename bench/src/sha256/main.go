// sha256: crypto/sha256 over 4 MiB (the generic or SHA-NI/AVX2 block function, per CPUID).
package main

import (
	"crypto/sha256"
	"fmt"
)

func main() {
	buf := make([]byte, 4<<20)
	for i := range buf {
		buf[i] = byte(i*7 + i>>8)
	}
	fmt.Printf("%x\n", sha256.Sum256(buf))
}
