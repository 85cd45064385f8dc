// Goroutines run one after another, each with its own deferred calls, panics and
// recoveries; one ends by Goexit.
package main

import (
	"fmt"
	"runtime"
)

func job(n int) {
	defer fmt.Println("job", n, "deferred")
	defer func() {
		if r := recover(); r != nil {
			fmt.Println("job", n, "recovered", r)
		}
	}()
	switch n {
	case 1:
		panic(n * 10)
	case 2:
		runtime.Goexit()
	}
	fmt.Println("job", n, "done")
}

func run(n int, done chan struct{}) {
	defer close(done)
	job(n)
}

func main() {
	for n := 0; n < 4; n++ {
		done := make(chan struct{})
		go run(n, done)
		<-done
	}
	fmt.Println("all jobs ended")
}
