// recover returns nil in the deferred calls run by Goexit (crash_test TestGoexitDefer).
package main

import (
	"fmt"
	"runtime"
)

func worker(done chan struct{}) {
	defer close(done)
	defer func() {
		fmt.Println("recover during Goexit:", recover())
	}()
	runtime.Goexit()
}

func main() {
	done := make(chan struct{})
	go worker(done)
	<-done
	fmt.Println("main goes on")
}
