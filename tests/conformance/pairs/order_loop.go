// Deferred calls made in a loop run newest first (test/defer.go's shape).
package main

import "fmt"

func count() {
	for i := 0; i < 10; i++ {
		defer fmt.Print(i)
	}
	fmt.Print("loop done: ")
}

func main() {
	count()
	fmt.Println()
}
