// recover called by a helper of the deferred function returns nil; the deferred
// function's own call then recovers.
package main

import "fmt"

func helper() interface{} { return recover() }

func catch() {
	fmt.Println("helper got:", helper())
	fmt.Println("direct got:", recover())
	fmt.Println("second direct call got:", recover())
}

func main() {
	defer fmt.Println("main returns normally")
	defer catch()
	panic(42)
}
