// mix: the reference workload of issue 7: sort 1M ints, SHA-256 of 4 MiB, a 200k-entry map.
package main

import (
	"crypto/sha256"
	"fmt"
	"sort"
)

func main() {
	x := uint32(2463534242)
	next := func() uint32 { x ^= x << 13; x ^= x >> 17; x ^= x << 5; return x }
	a := make([]int, 1<<20)
	for i := range a {
		a[i] = int(next())
	}
	sort.Ints(a)
	buf := make([]byte, 4<<20)
	for i := range buf {
		buf[i] = byte(next())
	}
	sum := sha256.Sum256(buf)
	m := make(map[int]int, 1024)
	for i := 0; i < 200000; i++ {
		m[int(next()%1000000)] += i
	}
	fmt.Printf("sorted=%v min=%d sha=%x map=%d\n", sort.IntsAreSorted(a), a[0], sum[:8], len(m))
}
