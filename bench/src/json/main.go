// json: encoding/json encode and decode of a slice of structs (reflection, allocation).
package main

import (
	"encoding/json"
	"fmt"
)

type Item struct {
	ID    int               `json:"id"`
	Name  string            `json:"name"`
	Tags  []string          `json:"tags"`
	Price float64           `json:"price"`
	Attrs map[string]string `json:"attrs"`
}

func main() {
	items := make([]Item, 2000)
	for i := range items {
		items[i] = Item{i, fmt.Sprintf("item-%d", i), []string{"a", "bb", "ccc"}, float64(i) * 1.25, map[string]string{"k": "v"}}
	}
	var total int
	for r := 0; r < 5; r++ {
		b, err := json.Marshal(items)
		if err != nil {
			panic(err)
		}
		var back []Item
		if err := json.Unmarshal(b, &back); err != nil {
			panic(err)
		}
		total += len(b) + len(back)
	}
	fmt.Println(total)
}
