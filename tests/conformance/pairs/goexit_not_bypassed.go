// Goexit, then a deferred call panics twice and an older deferred call of the same
// function recovers: current Go (1.22+) resumes the Goexit (recover never cancels it), so
// main never prints "end" and the program dies with "no goroutines".  Go 1.19, the
// oracle, lets this recovery bypass the Goexit and prints "end": see known-failure.
package main

import (
	"fmt"
	"runtime"
)

func f1() { fmt.Println("f1 recovered:", recover()) }

func f3(a int) {
	fmt.Println("f3", a, "panics")
	panic(a)
}

func f2() {
	defer f3(0)
	defer f3(2)
}

func f0() {
	defer f1()
	defer f2()
	fmt.Println("f0 calls Goexit")
	runtime.Goexit()
}

func main() {
	f0()
	fmt.Println("end")
}
