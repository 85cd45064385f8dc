// Arguments of a deferred call are evaluated when the defer statement runs; a closure
// sees the variable as it is when it runs.
package main

import "fmt"

func main() {
	i := 1
	defer fmt.Println("deferred arg i =", i)
	defer func() { fmt.Println("closure sees i =", i) }()
	i = 2
	fmt.Println("body sets i =", i)
}
