// `defer recover()` in a function that the panic calls as a deferred function recovers
// when that function returns (recover.go test4, recover1.go test5); the frame that
// deferred it then finishes normally.  In a helper called by the deferred function it does
// nothing (the helper is not called by the panic), nor in a function deferred by the
// deferred function.  Deferred in a loop (with more deferred calls than a frame's inline
// slots), only the first one to run recovers.
package main

import "fmt"

func say(s string) { fmt.Println(s) }

func defersRecover() {
	defer recover()
	fmt.Println("defersRecover: returns")
}

func helperCaller() {
	defersRecover()
	fmt.Println("helperCaller: returns")
}

func defersDefersRecover() {
	defer defersRecover()
	fmt.Println("defersDefersRecover: returns")
}

func loop() {
	for i := 0; i < 3; i++ {
		defer recover()
		for k := 0; k < 4; k++ {
			defer fmt.Println("loop: deferred", i, k)
		}
	}
}

func direct() (r string) {
	r = "direct: not recovered"
	defer func() { fmt.Println("direct: later recover", recover()) }()
	defer defersRecover()
	r = "direct: recovered, named result kept"
	panic("direct")
}

func helper() {
	defer func() { fmt.Println("helper: later recover", recover()) }()
	defer helperCaller()
	panic("helper")
}

func nested() {
	defer func() { fmt.Println("nested: later recover", recover()) }()
	defer defersDefersRecover()
	panic("nested")
}

func inLoop() {
	defer func() { fmt.Println("inLoop: later recover", recover()) }()
	defer loop()
	panic("inLoop")
}

func main() {
	fmt.Println(direct())
	helper()
	nested()
	inLoop()
	fmt.Println("main: returns")
}
