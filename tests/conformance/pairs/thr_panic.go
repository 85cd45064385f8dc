// An unrecovered panic in another goroutine ends the program; the report names that
// goroutine (not goroutine 1) and its trace ends at the goroutine's function.
package main

import "fmt"

func say(s string) { fmt.Println(s) }

func process(n int) {
	defer say("process deferred")
	if n > 2 {
		panic(fmt.Sprintf("bad item %d", n))
	}
}

func worker() {
	defer say("worker deferred")
	for i := 0; i < 5; i++ {
		fmt.Println("item", i)
		process(i)
	}
}

func main() {
	go worker()
	select {}
}
