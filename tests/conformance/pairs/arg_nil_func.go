// A nil deferred function panics when it is called, at the function's exit, not at
// the defer statement: a runtime error with a signal line.
package main

import "fmt"

func f() {
	var g func()
	defer g()
	fmt.Println("after the defer statement")
}

func main() {
	f()
	fmt.Println("not reached")
}
