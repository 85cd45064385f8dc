// A formatted string value (C: go_panicf).
package main

import "fmt"

func main() {
	panic(fmt.Sprintf("item %d of %d failed", 3, 7))
}
