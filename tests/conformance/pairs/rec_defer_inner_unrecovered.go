// recover1.go test7 without the older recovering call, in a goroutine: panic 3's loop
// calls the deferred recover, which does nothing; a deferred call of D recovers 3, D
// returns, and panic 2 goes on unrecovered.  The report lists panic 2 only (3 is gone).
package main

import "fmt"

func say(s string) { fmt.Println(s) }

func catch(who string) {
	fmt.Println(who, "recovered", recover())
}

func d() {
	defer catch("inner:")
	defer recover()
	panic(3)
}

func run() {
	defer say("run: deferred")
	defer d()
	panic(2)
}

func worker() {
	defer say("worker: deferred")
	run()
}

func main() {
	go worker()
	select {}
}
