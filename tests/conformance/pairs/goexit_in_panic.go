// testprog GoexitInPanic: Goexit called by a deferred call during a panic cancels the
// panic silently; the goroutine ends.
package main

import (
	"fmt"
	"runtime"
)

func worker(done chan struct{}) {
	defer close(done)
	defer func() {
		fmt.Println("deferred call calls Goexit")
		runtime.Goexit()
	}()
	panic("hello")
}

func main() {
	done := make(chan struct{})
	go worker(done)
	<-done
	fmt.Println("the panic was cancelled; main goes on")
}
