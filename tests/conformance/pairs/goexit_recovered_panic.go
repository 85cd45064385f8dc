// testprog RecoveredPanicAfterGoexit: a panic in a Goexit's deferred call, recovered
// inside it; Goexit goes on and the main goroutine ends.
package main

import (
	"fmt"
	"runtime"
)

func main() {
	defer func() {
		defer func() {
			r := recover()
			fmt.Println("recovered:", r)
		}()
		panic("hello")
	}()
	runtime.Goexit()
}
