// A panic 40 calls deep: every frame is in the trace.
package main

import "fmt"

func down(n int) {
	if n == 0 {
		panic(fmt.Sprintf("bottom reached"))
	}
	down(n - 1)
	fmt.Print("")
}

func main() {
	down(40)
}
