// testprog GoexitDeadlock: main calls Goexit while other goroutines run; when they end,
// the program dies because no goroutine is left.
package main

import (
	"fmt"
	"runtime"
)

func F(n int) {
	s := 0
	for i := 0; i < n; i++ {
		s += i
	}
	_ = s
}

func main() {
	go F(10)
	go F(20)
	fmt.Println("main calls Goexit")
	runtime.Goexit()
}
