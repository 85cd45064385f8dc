// `defer recover()` in the panicking function itself is too early: the panic's own loop
// calls recover, which is not called by a deferred function, so it does nothing and the
// panic goes on (recover.go test2).  A later `defer recover()` after a recovery in the
// same function is too early as well: nothing is panicking any more.  The report shows the
// first panic recovered by the later deferred call, which panics again.
package main

import "fmt"

func say(s string) { fmt.Println(s) }

func afterRecovery() {
	defer say("afterRecovery: returns")
	defer recover()
	defer func() { fmt.Println("afterRecovery: recovered", recover()) }()
	panic("first")
}

func main() {
	afterRecovery()
	defer say("main: oldest deferred call")
	defer func() {
		r := recover()
		fmt.Println("main: still panicking:", r)
		panic("again")
	}()
	defer recover()
	defer say("main: newest deferred call")
	fmt.Println("main: panicking")
	panic("too early")
}
