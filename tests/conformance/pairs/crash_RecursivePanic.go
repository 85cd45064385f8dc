// testprog RecursivePanic: a deferred call wraps the recovered value in a new panic,
// recovered one level up; then a last panic.
package main

import "fmt"

func main() {
	func() {
		defer func() {
			fmt.Println(recover())
		}()
		var x [8192]byte
		func(x [8192]byte) {
			defer func() {
				if err := recover(); err != nil {
					panic("wrap: " + err.(string))
				}
			}()
			panic("bad")
		}(x)
	}()
	panic("again")
}
