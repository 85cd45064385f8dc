// runtime TestIssue43921: a panic recovered inside a deferred call leaves the outer
// panic to the outer recover.
package main

import "fmt"

func expect(n int, v interface{}) { fmt.Println("expect", n, "got", v) }

func empty() {}

func inner() { expect(4, recover()) }

func middle() {
	defer inner()
	panic(4)
}

func body() {
	for {
		defer empty()
		break
	}
	defer middle()
	panic(1)
}

func outer() { expect(1, recover()) }

func main() {
	defer outer()
	body()
}
