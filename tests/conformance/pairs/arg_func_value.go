// The deferred function value itself is evaluated at the defer statement.
package main

import "fmt"

func a() { fmt.Println("a runs") }
func b() { fmt.Println("b runs") }

func main() {
	f := a
	defer f()
	f = b
	defer f()
	f = nil
	fmt.Println("body done")
}
