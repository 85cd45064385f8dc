// recover1.go test6 and test7: a deferred function D, called by panic 2, defers recover
// and panics 3, which a deferred call of D recovers.  If the deferred recover runs after
// that recovery, when D returns, it is called from D and recovers 2 (test6); if panic 3's
// loop calls it first, it does nothing, and the older deferred call recovers 2 (test7).
package main

import "fmt"

func catch(who string) {
	fmt.Println(who, "recovered", recover())
}

func d6() {
	defer recover()
	defer catch("test6 inner:")
	panic(3)
}

func test6() {
	defer catch("test6 outer:")
	defer d6()
	panic(2)
}

func d7() {
	defer catch("test7 inner:")
	defer recover()
	panic(3)
}

func test7() {
	defer catch("test7 outer:")
	defer d7()
	panic(2)
}

func main() {
	test6()
	test7()
	fmt.Println("main: returns")
}
