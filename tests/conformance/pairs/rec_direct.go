// recover called directly by a deferred function stops the panic; the function that
// deferred it returns normally and its caller goes on.
package main

import "fmt"

func catch() {
	r := recover()
	fmt.Println("recovered:", r)
}

func f() {
	defer fmt.Println("f's first deferred call still runs")
	defer catch()
	fmt.Println("f panics")
	panic("boom")
}

func main() {
	f()
	fmt.Println("main goes on")
}
