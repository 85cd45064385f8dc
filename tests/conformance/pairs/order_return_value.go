// A plain (unnamed) result is computed before the deferred calls run: changing the
// variable afterwards does not change what the function returns.
package main

import "fmt"

func f() int {
	x := 1
	defer func() {
		x = 2
		fmt.Println("deferred sets x to", x)
	}()
	return x
}

func main() {
	fmt.Println("f returned", f())
}
