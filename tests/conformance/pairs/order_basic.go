// Deferred calls run last-in first-out when the function returns.
package main

import "fmt"

func say(s string) { fmt.Println(s) }

func f() {
	defer say("first deferred")
	defer say("second deferred")
	fmt.Println("body")
}

func main() {
	f()
	fmt.Println("after f")
}
