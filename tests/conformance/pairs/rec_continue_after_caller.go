// After a recovery deep in the stack, execution continues in the caller of the function
// whose deferred call recovered; the functions in between are gone.
package main

import "fmt"

func say(s string) { fmt.Println(s) }

func level3() {
	defer say("level3 deferred")
	panic("deep")
}

func level2() {
	defer say("level2 deferred")
	level3()
	fmt.Println("level2 after level3: not reached")
}

func level1() {
	defer func() { fmt.Println("level1 recovered", recover()) }()
	level2()
	fmt.Println("level1 after level2: not reached")
}

func main() {
	level1()
	fmt.Println("main after level1")
}
