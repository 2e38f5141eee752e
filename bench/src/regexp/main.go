// regexp: compile and match a few regular expressions over generated text.
package main

import (
	"fmt"
	"regexp"
	"strings"
)

func main() {
	var sb strings.Builder
	for i := 0; i < 20000; i++ {
		fmt.Fprintf(&sb, "user%d@host%d.example.com id=%d; ", i, i%97, i*31)
	}
	text := sb.String()
	email := regexp.MustCompile(`[a-z0-9]+@[a-z0-9]+\.example\.com`)
	ids := regexp.MustCompile(`id=(\d+)`)
	fmt.Println(len(email.FindAllString(text, -1)), len(ids.FindAllStringSubmatch(text, -1)))
}
