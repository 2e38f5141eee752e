// recursion: deep recursion that grows goroutine stacks to several MiB, repeatedly.
package main

import "fmt"

//go:noinline
func down(n int) int {
	var pad [64]byte
	pad[n%64] = 1
	if n == 0 {
		return 0
	}
	return down(n-1) + int(pad[n%64])
}

func main() {
	t := 0
	for r := 0; r < 5; r++ {
		done := make(chan int)
		go func() { done <- down(100000) }()
		t += <-done
	}
	fmt.Println(t)
}
