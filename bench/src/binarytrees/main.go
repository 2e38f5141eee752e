// binarytrees: the allocation/GC benchmark (depth 16).
package main

import "fmt"

type Node struct{ l, r *Node }

func make_(d int) *Node {
	if d == 0 {
		return &Node{}
	}
	return &Node{make_(d - 1), make_(d - 1)}
}

func (n *Node) check() int {
	if n.l == nil {
		return 1
	}
	return 1 + n.l.check() + n.r.check()
}

func main() {
	max := 14
	long := make_(max)
	for d := 4; d <= max; d += 2 {
		iters := 1 << (max - d + 4)
		c := 0
		for i := 0; i < iters; i++ {
			c += make_(d).check()
		}
		fmt.Println(iters, d, c)
	}
	fmt.Println(long.check())
}
