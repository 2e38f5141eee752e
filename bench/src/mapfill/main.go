// mapfill: fill a map with 200k entries, then look each up (hashing, Swiss tables in 1.24+).
package main

import "fmt"

func main() {
	m := make(map[uint64]uint64)
	x := uint64(1)
	for i := uint64(0); i < 200000; i++ {
		x = x*6364136223846793005 + 1442695040888963407
		m[x>>20] = i
	}
	var s uint64
	x = 1
	for i := uint64(0); i < 200000; i++ {
		x = x*6364136223846793005 + 1442695040888963407
		s += m[x>>20]
	}
	fmt.Println(len(m), s)
}
