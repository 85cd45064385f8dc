// An unrecovered panic runs every pending deferred call, innermost function first,
// then the program dies with the report.
package main

import "fmt"

func say(s string) { fmt.Println(s) }

func c() {
	defer say("c deferred")
	panic("from c")
}

func b() {
	defer say("b deferred 1")
	defer say("b deferred 2")
	c()
}

func main() {
	defer say("main deferred")
	b()
}
