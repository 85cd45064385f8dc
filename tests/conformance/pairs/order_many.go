// Thirty deferred calls in one function (more than a frame's inline slots).
package main

import "fmt"

func many() {
	for i := 0; i < 30; i++ {
		defer fmt.Println("deferred", i)
	}
	defer fmt.Println("last deferred")
}

func main() {
	many()
	fmt.Println("done")
}
