// runtime TestIssue43920: deferred panics in deferred calls; each recover gets the
// expected value in order.  Prints replace the test's checks.
package main

import "fmt"

func panicWith(n int) { panic(n) }

func show(label string, v interface{}) { fmt.Println(label, v) }

func d1() { show("d1 recovered", recover()) }

func d2inner() { panic(4) }

func d2a() { show("d2a recovered", recover()) }

func d2() {
	defer d2a()
	defer panicWith(5)
	d2inner()
}

func d3() { show("d3 recovered", recover()) }

func outer() {
	defer d2()
	defer d3()
	defer panicWith(3)
}

func step(steps *int, want int) {
	*steps++
	fmt.Println("step", *steps, "want", want)
}

func body(steps *int) {
	defer step(steps, 1)
	panic(1)
}

func main() {
	var steps int
	defer d1()
	defer outer()
	body(&steps)
}
