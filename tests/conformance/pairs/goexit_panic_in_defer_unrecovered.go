// Goexit, then a deferred call panics and nothing recovers: the panic is reported alone
// (no line for the Goexit), with runtime.Goexit in the trace.
package main

import (
	"fmt"
	"runtime"
)

func say(s string) { fmt.Println(s) }

func inner() {
	defer func() { panic("in goexit defer") }()
	defer say("inner deferred")
	runtime.Goexit()
}

func main() {
	defer say("main deferred")
	inner()
}
