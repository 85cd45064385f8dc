// Nested panics in another goroutine, unrecovered: the chain and the trace come from
// that goroutine.
package main

import "fmt"

func second() {
	fmt.Println("second panics")
	panic("second")
}

func worker() {
	defer second()
	defer func() {
		recover()
		panic("after recover")
	}()
	panic("first")
}

func main() {
	go worker()
	select {}
}
