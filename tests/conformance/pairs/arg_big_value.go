// A large array argument is copied when the defer statement runs.
package main

import "fmt"

type block [4096]byte

func sum(b block) {
	s := 0
	for _, v := range b {
		s += int(v)
	}
	fmt.Println("deferred sum", s, "first", b[0], "last", b[4095])
}

func main() {
	var b block
	for i := range b {
		b[i] = byte(i % 7)
	}
	defer sum(b)
	for i := range b {
		b[i] = 0
	}
	fmt.Println("cleared")
}
