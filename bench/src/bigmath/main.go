// bigmath: math/big: 3000 digits of e by the series sum 1/k!, and a big modular exponentiation.
package main

import (
	"fmt"
	"math/big"
)

func main() {
	one := new(big.Int).Exp(big.NewInt(10), big.NewInt(3000), nil)
	sum := new(big.Int).Set(one)
	term := new(big.Int).Set(one)
	for k := int64(1); term.Sign() > 0; k++ {
		term.Quo(term, big.NewInt(k))
		sum.Add(sum, term)
	}
	s := sum.String()
	p, _ := new(big.Int).SetString("170141183460469231731687303715884105727", 10)
	r := new(big.Int).Exp(big.NewInt(3), new(big.Int).Sub(p, big.NewInt(1)), p)
	fmt.Println(s[:20], s[len(s)-10:], r)
}
