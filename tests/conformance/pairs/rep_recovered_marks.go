// Several panics, some recovered before the next one: each recovered one is marked.
package main

func third() {
	recover()
	panic("three")
}

func second() {
	defer third()
	recover()
	panic("two")
}

func main() {
	defer second()
	panic("one")
}
