// A deferred function has deferred calls of its own, run when it returns.
package main

import "fmt"

func say(s string) { fmt.Println(s) }

func cleanup() {
	defer say("cleanup's own deferred call")
	fmt.Println("cleanup body")
}

func work() {
	defer say("work deferred 1")
	defer cleanup()
	defer say("work deferred 3")
	fmt.Println("work body")
}

func main() {
	work()
}
