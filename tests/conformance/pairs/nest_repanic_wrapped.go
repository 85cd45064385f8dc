// Re-panicking with a new value made from the recovered one, then recovering that
// (testprog RecursivePanic's shape).
package main

import "fmt"

func inner() {
	defer func() {
		if err := recover(); err != nil {
			panic("wrap: " + err.(string))
		}
	}()
	panic("bad")
}

func middle() {
	defer func() { fmt.Println(recover()) }()
	inner()
}

func main() {
	middle()
	panic("again")
}
