// Each goroutine has its own panics: a panic recovered in a goroutine does not touch the
// main goroutine, which then panics and recovers on its own.
package main

import "fmt"

func catch(who string) { fmt.Println(who, "recovered:", recover()) }

func worker(done chan struct{}) {
	defer close(done)
	defer catch("worker")
	panic("in worker")
}

func main() {
	defer catch("main")
	done := make(chan struct{})
	go worker(done)
	<-done
	panic("in main")
}
