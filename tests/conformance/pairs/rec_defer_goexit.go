// `defer recover()` and Goexit, in a goroutine: in a function called by a panic raised in
// a Goexit's deferred call it recovers that panic when the function returns, and Goexit
// resumes (recover cannot cancel Goexit): the next deferred call's recover gets nil.
package main

import (
	"fmt"
	"runtime"
)

func say(s string) { fmt.Println(s) }

func defersRecover(who string) {
	defer recover()
	fmt.Println(who, "returns")
}

func panicker() {
	panic("in a Goexit deferred call")
}

func worker(done chan struct{}) {
	defer close(done)
	defer say("worker: Goexit resumed")
	defer func() { fmt.Println("worker: then recover gets", recover()) }()
	defer defersRecover("called by the panic:")
	defer panicker()
	runtime.Goexit()
}

func main() {
	done := make(chan struct{})
	go worker(done)
	<-done
	fmt.Println("main: end")
}
