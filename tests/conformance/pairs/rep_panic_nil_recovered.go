// A recovered panic(nil) ends like any recovered panic (the value itself differs
// between Go versions, so it is not printed).
package main

import "fmt"

func f() (x int) {
	defer func() {
		recover()
		x = 1
	}()
	panic(nil)
}

func main() {
	fmt.Println("f() =", f())
	panic(nil)
}
