// hello: start-up cost: process start to exit with one line of output.
package main

import "fmt"

func main() { fmt.Println("hello, world") }
