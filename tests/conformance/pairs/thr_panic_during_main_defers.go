// The main goroutine has pending deferred calls and waits; another goroutine's panic
// ends the program without running them.
package main

import "fmt"

func worker() {
	defer fmt.Println("worker deferred")
	panic("worker fails")
}

func main() {
	defer fmt.Println("main deferred: not run")
	go worker()
	select {}
}
