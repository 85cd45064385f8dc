// Neither a helper nor a helper's helper may recover (test/recover.go's
// withoutRecoverRecursive); the panic stays for the next deferred call.
package main

import "fmt"

func withoutRecoverRecursive(n int) {
	if n == 0 {
		withoutRecoverRecursive(1)
	} else {
		fmt.Println("helper at depth", n, "got:", recover())
	}
}

func mustRecover() {
	fmt.Println("mustRecover got:", recover())
}

func main() {
	defer mustRecover()
	defer withoutRecoverRecursive(0)
	panic("deep")
}
