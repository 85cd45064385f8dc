// Goexit from deep in the stack runs the deferred calls of every function, innermost
// first, and a recover among them sees nothing.
package main

import (
	"fmt"
	"runtime"
)

func say(s string) { fmt.Println(s) }

func c() {
	defer say("c deferred")
	defer func() { fmt.Println("c's recover:", recover()) }()
	runtime.Goexit()
}

func b() {
	defer say("b deferred")
	c()
}

func a(done chan struct{}) {
	defer close(done)
	defer say("a deferred")
	b()
}

func main() {
	done := make(chan struct{})
	go a(done)
	<-done
	fmt.Println("main: the goroutine ended")
}
