// Three panics, none recovered: the report lists them oldest first, and the trace shows
// each deferred call on top of the panic that ran it.
package main

import "fmt"

func third() {
	fmt.Println("third deferred call panics")
	panic("three")
}

func second() {
	defer third()
	fmt.Println("second deferred call panics")
	panic("two")
}

func main() {
	defer second()
	panic("one")
}
