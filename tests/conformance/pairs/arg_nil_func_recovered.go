// The panic of a nil deferred function is an ordinary runtime error: recoverable, and it
// replaces the panic that was running (test/fixedbugs/issue8047b.go).
package main

import "fmt"

func catch() {
	r := recover()
	fmt.Println("recovered:", r)
	_, isRuntime := r.(interface{ RuntimeError() })
	fmt.Println("runtime error:", isRuntime)
}

func f() {
	var g func()
	defer g()
	panic("first")
}

func main() {
	defer fmt.Println("main's deferred call")
	defer catch()
	f()
}
