// pingpong: 200k messages bounced between two goroutines over unbuffered channels.
package main

import "fmt"

func main() {
	ping, pong := make(chan int), make(chan int)
	go func() {
		for v := range ping {
			pong <- v + 1
		}
		close(pong)
	}()
	s := 0
	for i := 0; i < 200000; i++ {
		ping <- i
		s += <-pong
	}
	close(ping)
	fmt.Println(s)
}
