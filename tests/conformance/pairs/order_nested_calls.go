// Each function's deferred calls run when that function returns.
package main

import "fmt"

func say(s string) { fmt.Println(s) }

func inner() {
	defer say("inner 1")
	defer say("inner 2")
	fmt.Println("inner body")
}

func middle() {
	defer say("middle 1")
	inner()
	defer say("middle 2")
	fmt.Println("middle body")
}

func main() {
	defer say("main 1")
	middle()
	fmt.Println("main body")
}
