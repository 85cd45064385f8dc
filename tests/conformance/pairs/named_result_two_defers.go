// Two deferred calls change the named result in turn, newest first.
package main

import "fmt"

func f() (n int) {
	defer func() { n = n*2 + 1; fmt.Println("second step:", n) }()
	defer func() { n += 3; fmt.Println("first step:", n) }()
	n = 1
	return n
}

func main() {
	fmt.Println("f() =", f())
}
