// A deferred closure changes a named result after "return 4" set it.
package main

import "fmt"

func f() (x int) {
	defer func() { x *= 10 }()
	return 4
}

func main() {
	fmt.Println("f() =", f())
}
