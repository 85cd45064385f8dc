// Goexit ends only its goroutine, after its deferred calls; the main goroutine goes on.
package main

import (
	"fmt"
	"runtime"
)

func say(s string) { fmt.Println(s) }

func work() {
	defer say("work deferred")
	runtime.Goexit()
}

func worker(done chan struct{}) {
	defer close(done)
	defer say("worker deferred")
	work()
	fmt.Println("not reached")
}

func main() {
	done := make(chan struct{})
	go worker(done)
	<-done
	fmt.Println("main goes on")
}
