// testprog RecoverBeforePanicAfterGoexit2: like RecoverBeforePanicAfterGoexit, with
// deferred calls made in a loop first.
package main

import (
	"fmt"
	"runtime"
)

func main() {
	for i := 0; i < 2; i++ {
		defer func() {
			fmt.Println("loop deferred call")
		}()
	}
	defer func() {
		r := recover()
		if r == nil {
			panic("bad recover")
		}
		fmt.Println("recovered:", r)
	}()
	defer func() {
		panic("hello")
	}()
	runtime.Goexit()
}
