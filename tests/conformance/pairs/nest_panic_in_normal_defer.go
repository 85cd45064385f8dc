// A deferred call that panics during a normal return starts a panic like any other;
// the remaining deferred calls run and one of them recovers.
package main

import "fmt"

func catch() { fmt.Println("recovered:", recover()) }

func failing() {
	fmt.Println("failing deferred call")
	panic("cleanup failed")
}

func f() {
	defer catch()
	defer fmt.Println("runs after the failing one")
	defer failing()
	fmt.Println("f returns normally")
}

func main() {
	f()
	fmt.Println("main continues")
}
