// recover returns nil when nothing panics: in ordinary code and in a deferred call run
// by a normal return.
package main

import "fmt"

func deferred() { fmt.Println("deferred call got:", recover()) }

func f() {
	defer deferred()
	fmt.Println("body got:", recover())
}

func main() {
	f()
	fmt.Println("main got:", recover())
}
