// testprog RecoverBeforePanicAfterGoexit: Goexit runs a deferred call that panics; an
// older deferred call recovers it, and Goexit resumes: recover cannot cancel Goexit.
package main

import (
	"fmt"
	"runtime"
)

func main() {
	defer fmt.Println("oldest deferred call: Goexit resumed")
	defer func() {
		r := recover()
		fmt.Println("recovered:", r)
	}()
	defer func() {
		panic("hello")
	}()
	runtime.Goexit()
}
