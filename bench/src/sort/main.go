// sort: sort.Ints on 500k pseudo-random ints (comparisons, swaps, bounds checks).
package main

import (
	"fmt"
	"sort"
)

func main() {
	x := uint64(88172645463325252)
	a := make([]int, 500000)
	for i := range a {
		x ^= x << 13; x ^= x >> 7; x ^= x << 17
		a[i] = int(x >> 1)
	}
	sort.Ints(a)
	fmt.Println(sort.IntsAreSorted(a), a[0], a[len(a)-1])
}
