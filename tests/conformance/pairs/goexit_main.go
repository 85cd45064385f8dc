// Goexit in the main goroutine runs every deferred call, then the program dies:
// no goroutine is left.
package main

import (
	"fmt"
	"runtime"
)

func say(s string) { fmt.Println(s) }

func f() {
	defer say("f deferred")
	runtime.Goexit()
	fmt.Println("not reached")
}

func main() {
	defer say("main deferred")
	f()
	fmt.Println("not reached either")
}
