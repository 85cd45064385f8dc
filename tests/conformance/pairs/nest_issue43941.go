// runtime TestIssue43941: steps of deferred calls across recovered nested panics.
package main

import "fmt"

func step(steps *int, want int) {
	*steps++
	fmt.Println("step", *steps, "want", want)
}

func expect(n int, v interface{}) { fmt.Println("expect", n, "got", v) }

func panicWith(n int) { panic(n) }

func empty() {}

func a1() { expect(3, recover()) }

func a() {
	defer a1()
	defer panicWith(3)
	panic(2)
}

func b() { expect(1, recover()) }

func f2() {
	defer a()
	defer b()
	defer panicWith(1)
}

func f1(steps *int) {
	f2()
	defer empty()
	defer empty()
	defer step(steps, 10)
	defer step(steps, 9)
	step(steps, 8)
}

func g2(steps *int) {
	defer step(steps, 11)
	panic(4)
}

func g1(steps *int) {
	defer step(steps, 13)
	defer step(steps, 12)
	g2(steps)
}

func last(steps *int) {
	step(steps, 14)
	expect(4, recover())
}

func main() {
	steps := 7
	defer last(&steps)
	f1(&steps)
	g1(&steps)
}
