// A deferred call made by a deferred function is not called by the panic: its recover
// returns nil (runtime TestRecoverMatching).
package main

import "fmt"

func main() {
	defer func() {
		fmt.Println("outer deferred call got:", recover())
	}()
	defer func() {
		defer func() {
			fmt.Println("nested deferred call got:", recover())
		}()
	}()
	panic("panic1")
}
