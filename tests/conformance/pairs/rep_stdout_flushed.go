// What the program printed before dying is all on stdout (C's buffers are flushed).
package main

import "fmt"

func main() {
	for i := 0; i < 100; i++ {
		fmt.Print(i, " ")
	}
	fmt.Print("no newline at the end")
	panic("exit")
}
