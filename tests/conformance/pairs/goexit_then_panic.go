// testprog PanicAfterGoexit: a deferred call run by Goexit panics; the report shows
// the panic alone and runtime.Goexit in the trace.
package main

import "runtime"

func main() {
	defer func() {
		panic("hello")
	}()
	runtime.Goexit()
}
